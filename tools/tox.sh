#!/usr/bin/env bash
# Run tox with every CPython 3.9-3.13 that pyenv provides on PATH, so tox finds them.
set -euo pipefail
python=$(command -v python3)  # the Python that has tox, found before PATH changes
root=$(pyenv root)
for version in $(pyenv versions --bare | grep -E '^3\.(9|1[0-3])\.' | sort -rV); do
    PATH="$root/versions/$version/bin:$PATH"
done
export PATH
exec "$python" -m tox "$@"
