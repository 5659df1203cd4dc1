#!/usr/bin/env bash
# Check the weather API's .env against its systemd unit before the service starts.
#
#   check_env.sh /apps/app_repo/.env /apps/app_repo/demo_api/server/units/weather.service
#
# systemd lets the unit's EnvironmentFile= (.env) override its own Environment= lines, so a
# WEATHER_DATABASE_PATH in .env, or a WEATHER_DATABASE_URL naming a SQLite file (a bare path
# or sqlite:///path; it wins over the path), decides where the database goes, and under
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

# The last assignment of setting $1 in .env, without quotes; fails when there is none.
last_value() {
    local setting="^[[:space:]]*$1[[:space:]]*=" value
    grep -qE "$setting" "$env_file" || return 1
    value=$(sed -n -E "s/${setting}[[:space:]]*//p" "$env_file" | tail -n 1)
    value=${value%"${value##*[![:space:]]}"}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
        value=${BASH_REMATCH[1]}
    fi
    printf '%s' "$value"
}

# Setting $1 (its whole value $2) puts the SQLite file at $3: comment a relative one out,
# refuse one outside ReadWritePaths=.
check_sqlite_file() {
    local name=$1 value=$2 path=$3 folder allowed
    if [[ $path != /* ]]; then
        sed -i -E "s/(^[[:space:]]*${name}[[:space:]]*=)/# \\1/" "$env_file"
        printf '%s: commented out %s=%s: a relative path is resolved in the\n' \
            "$env_file" "$name" "$value"
        printf 'read-only checkout; the unit keeps the database where the service may write it\n'
        return 0
    fi
    folder=$(realpath -m -s "$(dirname "$path")")
    read -r -a writable <<<"$(sed -n 's/^[[:space:]]*ReadWritePaths[[:space:]]*=//p' "$unit" | tr '\n' ' ')"
    for allowed in "${writable[@]}"; do
        allowed=${allowed#[-+]}  # systemd's prefixes: "-" ignore if missing, "+" below RootDirectory
        if [[ $folder == "$allowed" || $folder == "$allowed"/* ]]; then
            return 0
        fi
    done
    die "$name=$value in $env_file is outside the folders the service may write" \
        "(ReadWritePaths=${writable[*]:-nothing} in $unit): remove the line to use the unit's path," \
        "or add ${folder} to ReadWritePaths= and reinstall the unit"
}

if url=$(last_value WEATHER_DATABASE_URL) && [[ -n $url ]]; then
    case $url in
        postgresql://* | postgres://*) ;;  # a server: no file for the unit to allow
        sqlite://*) check_sqlite_file WEATHER_DATABASE_URL "$url" "${url#sqlite:///}" ;;
        *) check_sqlite_file WEATHER_DATABASE_URL "$url" "$url" ;;
    esac
    # A URL left in place wins over WEATHER_DATABASE_PATH: that one is not used.
    last_value WEATHER_DATABASE_URL >/dev/null && exit 0
fi
if path=$(last_value WEATHER_DATABASE_PATH); then
    check_sqlite_file WEATHER_DATABASE_PATH "$path" "$path"
fi
