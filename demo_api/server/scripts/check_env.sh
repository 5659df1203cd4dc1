#!/usr/bin/env bash
# Check the weather API's .env against its systemd unit before the service starts.
#
#   check_env.sh /apps/app_repo/.env /apps/app_repo/demo_api/server/units/weather.service
#
# systemd lets the unit's EnvironmentFile= (.env) override its own Environment= lines, so a
# WEATHER_DATABASE_PATH in .env decides where the database goes, and under
# ProtectSystem=strict the service may write only the unit's ReadWritePaths= folders:
#   - a relative path (older copies of .env.example set one) would put the database in the
#     read-only checkout, so the service could not start: the line is commented out, and the
#     unit's own path applies;
#   - an absolute path outside every ReadWritePaths= folder is an error that names the fix.
# server_setup.sh runs this on every run; run it yourself after editing .env.
set -Eeuo pipefail

die() { printf 'check_env.sh: error: %s\n' "$*" >&2; exit 1; }

if [[ $# -ne 2 ]]; then
    printf 'Usage: %s ENV_FILE UNIT_FILE\n' "$0" >&2
    exit 2
fi
env_file=$1
unit=$2
[[ -f $env_file ]] || die "$env_file does not exist"
[[ -f $unit ]] || die "$unit does not exist"

setting='^[[:space:]]*WEATHER_DATABASE_PATH[[:space:]]*='
if ! grep -qE "$setting" "$env_file"; then
    exit 0  # not set: the unit's own Environment= path applies
fi
# The last assignment wins, as in systemd; quotes around the value are not part of it.
value=$(sed -n -E "s/${setting}[[:space:]]*//p" "$env_file" | tail -n 1)
value=${value%"${value##*[![:space:]]}"}
if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
    value=${BASH_REMATCH[1]}
fi

if [[ $value != /* ]]; then
    sed -i -E "s/(${setting})/# \\1/" "$env_file"
    printf '%s: commented out WEATHER_DATABASE_PATH=%s: a relative path is resolved in the\n' \
        "$env_file" "$value"
    printf 'read-only checkout; the unit keeps the database where the service may write it\n'
    exit 0
fi

folder=$(realpath -m -s "$(dirname "$value")")
read -r -a writable <<<"$(sed -n 's/^[[:space:]]*ReadWritePaths[[:space:]]*=//p' "$unit" | tr '\n' ' ')"
for allowed in "${writable[@]}"; do
    allowed=${allowed#[-+]}  # systemd's prefixes: "-" ignore if missing, "+" below RootDirectory
    if [[ $folder == "$allowed" || $folder == "$allowed"/* ]]; then
        exit 0
    fi
done
die "WEATHER_DATABASE_PATH=$value in $env_file is outside the folders the service may write" \
    "(ReadWritePaths=${writable[*]:-nothing} in $unit): remove the line to use the unit's path," \
    "or add ${folder} to ReadWritePaths= and reinstall the unit"
