#!/bin/sh
# Prints the greeting baked in at build time, with the architecture it was built for.
cat /etc/greeting
