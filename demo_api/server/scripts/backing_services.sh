#!/usr/bin/env bash
# Put PostgreSQL (reports) and/or Redis (the shared weather cache) on this machine and point
# the weather API's .env at them.
#
#   backing_services.sh [--postgres] [--redis] ENV_FILE
#
# server_setup.sh --postgres / --redis runs this after it has created ENV_FILE.
#
# --postgres  Debian's `postgresql` (it listens on localhost only), a role and a database
#             both named "weather", and WEATHER_DATABASE_URL=postgresql://weather:<password>@
#             127.0.0.1:5432/weather in ENV_FILE. The password is made once (openssl rand -hex
#             24) and read back from ENV_FILE on every later run, so a second run changes
#             nothing a running service relies on; the role's password is set to it again, so
#             the two agree even after the role was recreated by hand.
# --redis     Debian's `redis-server`, bound to loopback with protected mode on (it has no
#             password: nothing outside this machine may reach it), and
#             WEATHER_CACHE_URL=redis://127.0.0.1:6379/0 in ENV_FILE.
#
# ENV_FILE keeps its owner and stays mode 0600: it holds the database password. The password
# is never put on a command line (other users can read those in `ps`): psql reads it from its
# environment and quotes it itself (:'password').
set -Eeuo pipefail

readonly DB_ROLE=weather
readonly DB_NAME=weather
readonly DB_HOST=127.0.0.1
readonly DB_PORT=5432
readonly CACHE_URL=redis://127.0.0.1:6379/0
# Debian's file; another layout (or a test) may name its own.
readonly REDIS_CONF=${REDIS_CONF:-/etc/redis/redis.conf}

die() { printf 'backing_services.sh: error: %s\n' "$*" >&2; exit 1; }
usage() { printf 'Usage: %s [--postgres] [--redis] ENV_FILE\n' "$0" >&2; exit 2; }

postgres=0
redis=0
env_file=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --postgres) postgres=1; shift ;;
        --redis) redis=1; shift ;;
        -*) usage ;;
        *) [[ -z $env_file ]] || usage; env_file=$1; shift ;;
    esac
done
[[ -n $env_file ]] || usage
[[ -f $env_file ]] || die "$env_file does not exist"

# env_value NAME: the last value ENV_FILE assigns to NAME (as systemd reads it), unquoted.
env_value() {
    local value
    value=$(sed -n -E "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$env_file" | tail -n 1)
    value=${value%"${value##*[![:space:]]}"}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
        value=${BASH_REMATCH[1]}
    fi
    printf '%s' "$value"
}

# set_line FILE KEY LINE SEPARATOR: replace the first active `KEY<sep>...` line of FILE with
# LINE and drop any later ones, or append LINE; the file keeps its owner. The line travels in
# the environment, not in awk's arguments, since it may hold the password.
set_line() {
    local file=$1 key=$2 line=$3 separator=$4 temporary
    temporary=$(mktemp "$file.XXXXXX")  # mode 0600 from the start
    KEY=$key LINE=$line SEP=$separator awk '
        {
            text = $0
            sub(/^[[:space:]]+/, "", text)
            if (index(text, ENVIRON["KEY"]) == 1) {
                rest = substr(text, length(ENVIRON["KEY"]) + 1)
                if (rest ~ ("^" ENVIRON["SEP"])) {
                    if (!done) print ENVIRON["LINE"]
                    done = 1
                    next
                }
            }
            print
        }
        END { if (!done) print ENVIRON["LINE"] }
    ' "$file" >"$temporary"
    chown --reference="$file" "$temporary"
    chmod --reference="$file" "$temporary"
    mv "$temporary" "$file"
}

# wait_for DESCRIPTION COMMAND...: up to 30 s for COMMAND to succeed.
wait_for() {
    local description=$1
    shift
    for _ in $(seq 1 30); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 1
    done
    die "$description did not answer within 30 s; see: journalctl -u ${description%% *} -n 50"
}

export DEBIAN_FRONTEND=noninteractive

if [[ $postgres -eq 1 ]]; then
    printf '\n==> PostgreSQL for the reports (role and database "%s", localhost only)\n' "$DB_NAME"
    url=$(env_value WEATHER_DATABASE_URL)
    ours="^postgres(ql)?://$DB_ROLE:([A-Za-z0-9._~-]+)@$DB_HOST:$DB_PORT/$DB_NAME$"
    if [[ $url =~ $ours ]]; then
        password=${BASH_REMATCH[2]}
    elif [[ $url == postgres* ]]; then
        # Never switch a service that uses another database to an empty local one.
        die "$env_file already sets WEATHER_DATABASE_URL to another PostgreSQL (${url%%:*}://…@${url##*@}); remove that line to use this machine's, or run without --postgres"
    else
        password=$(openssl rand -hex 24)
    fi
    apt-get install -y -q --no-install-recommends postgresql
    systemctl enable --now postgresql
    wait_for "postgresql on $DB_HOST:$DB_PORT" pg_isready -q -h "$DB_HOST" -p "$DB_PORT"
    # psql's :'name' and :"name" quote a variable as a literal and as an identifier; \gexec
    # runs the CREATE only when the role or database is missing, so a second run passes.
    (cd / && WEATHER_DB_PASSWORD=$password runuser -u postgres -- \
        psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 -v role="$DB_ROLE" -v db="$DB_NAME" \
        -d postgres) <<'SQL'
\getenv password WEATHER_DB_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'role')
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
    WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
    if [[ -n $url && $url != postgres* ]]; then
        printf '%s: replacing WEATHER_DATABASE_URL=%s (reports already written there stay in it)\n' \
            "$env_file" "$url"
    fi
    set_line "$env_file" WEATHER_DATABASE_URL \
        "WEATHER_DATABASE_URL=postgresql://$DB_ROLE:$password@$DB_HOST:$DB_PORT/$DB_NAME" \
        '[[:space:]]*='
    printf 'WEATHER_DATABASE_URL in %s points at postgresql://%s:…@%s:%s/%s\n' \
        "$env_file" "$DB_ROLE" "$DB_HOST" "$DB_PORT" "$DB_NAME"
fi

if [[ $redis -eq 1 ]]; then
    printf '\n==> Redis for the shared weather cache (loopback only)\n'
    apt-get install -y -q --no-install-recommends redis-server
    [[ -f $REDIS_CONF ]] || die "$REDIS_CONF is missing after installing redis-server"
    before=$(sha256sum <"$REDIS_CONF")
    # Redis has no password here, so it must not listen beyond this machine.
    set_line "$REDIS_CONF" bind 'bind 127.0.0.1 -::1' '[[:space:]]'
    set_line "$REDIS_CONF" protected-mode 'protected-mode yes' '[[:space:]]'
    set_line "$REDIS_CONF" port 'port 6379' '[[:space:]]'
    systemctl enable redis-server
    if [[ $(sha256sum <"$REDIS_CONF") != "$before" ]]; then
        systemctl restart redis-server
    else
        systemctl start redis-server
    fi
    wait_for "redis-server on 127.0.0.1:6379" redis-cli -h 127.0.0.1 -p 6379 ping
    set_line "$env_file" WEATHER_CACHE_URL "WEATHER_CACHE_URL=$CACHE_URL" '[[:space:]]*='
    printf 'WEATHER_CACHE_URL in %s is %s\n' "$env_file" "$CACHE_URL"
fi

chmod 0600 "$env_file"
