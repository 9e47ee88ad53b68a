// GitLab's offset pagination, as the local API stubs answer it
// (https://docs.gitlab.com/api/rest/#offset-based-pagination): `per_page` (default 20, at most 100)
// and `page` pick the slice; the x-* headers and a Link header (gitbeaker follows it) describe the rest.
import type { IncomingMessage } from 'node:http';

export function offsetPage<T>(
  items: readonly T[],
  req: IncomingMessage,
): { items: T[]; headers: Record<string, string> } {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 20));
  const page = Number(url.searchParams.get('page') ?? 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const target = new URL(url);
    target.searchParams.set('page', String(p));
    target.searchParams.set('per_page', String(perPage));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < totalPages ? [link(page + 1, 'next')] : []),
    link(1, 'first'),
    link(totalPages, 'last'),
  ];
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      link: links.join(', '),
    },
  };
}
