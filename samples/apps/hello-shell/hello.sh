#!/bin/sh
# The hello-shell sample app: prints a greeting. GREETING comes from the hello-app buildpack's launch
# layer (env.launch/<process>), HELLO_RUNTIME from the shell-runtime buildpack's layer env.
echo "${GREETING:-Hello}, world! (runtime: ${HELLO_RUNTIME:-none})"
