// Registry credentials, the one shape every source produces (docker config, env, ECR token).
export interface Credentials {
  username: string;
  password: string;
}
