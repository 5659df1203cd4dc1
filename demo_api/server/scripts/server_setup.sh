#!/usr/bin/env bash
# Set up (or update) a fresh Ubuntu/Debian server for the course site and its weather API:
#   nginx -> gunicorn (systemd unit "weather") -> uvicorn workers -> demo_api.main:app
# Safe to run again after `git pull`: every step checks before it changes anything.
set -Eeuo pipefail

readonly APPS=/apps
readonly REPO_DIR=$APPS/app_repo
readonly VENV=$APPS/venv
readonly SITE_ROOT=$APPS/site
readonly DATA_DIR=$APPS/data
readonly SERVICE_USER=weather
readonly SERVICE=weather
readonly SOCKET=/run/weather_api/gunicorn.sock
readonly NGINX_SITE=/etc/nginx/sites-available/weather

usage() {
    cat <<EOF
Usage: sudo $0 [--domain NAME [--email ADDRESS]] [--postgres] [--redis] [--no-upgrade]

Installs and configures everything the course and its weather API need on this server:
apt packages, ufw (ports 22, 80, 443), fail2ban, the '$SERVICE_USER' service user,
$VENV with the project installed, $REPO_DIR/.env (from .env.example when missing),
the course built into $SITE_ROOT, the systemd unit '$SERVICE' and the nginx site.

The project must already be cloned to $REPO_DIR:
    sudo git clone <repository URL> $REPO_DIR

Options:
  --domain NAME     serve NAME and get a Let's Encrypt certificate for it (certbot from
                    snap, HTTP redirected to HTTPS); point NAME's DNS here first
  --email ADDRESS   contact address for Let's Encrypt expiry notices (with --domain)
  --postgres        keep reports in PostgreSQL on this machine instead of SQLite: installs
                    Debian's postgresql, creates the role and database 'weather' with a
                    generated password and sets WEATHER_DATABASE_URL in .env (a second run
                    keeps the password)
  --redis           keep the weather cache in Redis on this machine, shared by every worker:
                    installs Debian's redis-server bound to loopback and sets
                    WEATHER_CACHE_URL=redis://127.0.0.1:6379/0 in .env
  --no-upgrade      skip 'apt-get upgrade' (still installs missing packages)
  -h, --help        show this help and exit
EOF
}

log() { printf '\n==> %s\n' "$*"; }
die() { printf 'server_setup.sh: error: %s\n' "$*" >&2; exit 1; }
usage_error() { printf 'server_setup.sh: %s\n\n' "$*" >&2; usage >&2; exit 2; }

domain=""
email=""
upgrade=1
backing=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --domain)
            [[ $# -ge 2 && -n $2 ]] || usage_error "--domain needs a host name"
            domain=$2; shift 2 ;;
        --domain=*) domain=${1#*=}; shift ;;
        --email)
            [[ $# -ge 2 && -n $2 ]] || usage_error "--email needs an address"
            email=$2; shift 2 ;;
        --email=*) email=${1#*=}; shift ;;
        --no-upgrade) upgrade=0; shift ;;
        --postgres | --redis) backing+=("$1"); shift ;;
        *) usage_error "unknown argument: $1" ;;
    esac
done

if [[ -n $domain ]] && ! [[ $domain =~ ^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$ ]]; then
    usage_error "--domain '$domain' is not a host name like weather.example.com"
fi
if [[ -n $email && -z $domain ]]; then
    usage_error "--email only makes sense with --domain"
fi
[[ $EUID -eq 0 ]] || die "run me as root: sudo $0"
command -v apt-get >/dev/null || die "this script is for Ubuntu or Debian (apt-get not found)"

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../../.." && pwd)
[[ $repo_root == "$REPO_DIR" ]] ||
    die "the project must live in $REPO_DIR (found it in $repo_root): sudo git clone <URL> $REPO_DIR"
readonly SERVER_DIR=$REPO_DIR/demo_api/server

# certbot rewrites the nginx site to add HTTPS; writing the plain template again without
# --domain would silently drop it.
if [[ -z $domain && -f $NGINX_SITE ]] && grep -q 'managed by Certbot' "$NGINX_SITE"; then
    die "$NGINX_SITE has a certificate installed; run again with --domain NAME to keep HTTPS"
fi

export DEBIAN_FRONTEND=noninteractive

log "Packages"
apt-get update -q
if [[ $upgrade -eq 1 ]]; then
    apt-get -y -q -o Dpkg::Options::=--force-confold upgrade
fi
apt-get install -y -q --no-install-recommends \
    python3 python3-venv python3-dev python3-pip git curl ca-certificates \
    nginx ufw fail2ban python3-systemd
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    die "python3 is $(python3 -V 2>&1 | cut -d' ' -f2); the project needs 3.11 or newer (Ubuntu 24.04 / Debian 12)"
if [[ -f /var/run/reboot-required ]]; then
    printf 'note: a reboot is pending (new kernel?); reboot when this script is done\n'
fi

log "Firewall: ssh, http, https"
ufw allow 22/tcp
ufw allow 80/tcp
ufw allow 443/tcp
ufw --force enable

log "fail2ban: ban addresses that keep failing ssh logins"
# Read sshd's failures from the journal: newer Debian/Ubuntu images have no auth.log.
printf '[sshd]\nenabled = true\nbackend = systemd\n' >/etc/fail2ban/jail.d/sshd-journal.local
systemctl enable fail2ban
systemctl restart fail2ban

log "Service user '$SERVICE_USER' (no login, no home)"
if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$SERVICE_USER"
fi

log "Layout under $APPS"
install -d -o root -g root -m 0755 "$APPS"
install -d -o "$SERVICE_USER" -g "$SERVICE_USER" -m 0750 "$DATA_DIR"

log "Virtualenv $VENV and the project"
if [[ ! -x $VENV/bin/python ]]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet --upgrade "$REPO_DIR"

log "Settings and secrets: $REPO_DIR/.env (never committed)"
if [[ ! -f $REPO_DIR/.env ]]; then
    if [[ -f $REPO_DIR/.env.example ]]; then
        cp "$REPO_DIR/.env.example" "$REPO_DIR/.env"
    else
        printf '# WEATHER_* settings for the demo API (see demo_api/settings.py).\n' >"$REPO_DIR/.env"
    fi
    printf 'created %s: put WEATHER_OPENWEATHERMAP_API_KEY there to use live weather\n' \
        "$REPO_DIR/.env"
fi
# .env overrides the unit's Environment= lines: its database path must be one the service can write.
bash "$SERVER_DIR/scripts/check_env.sh" "$REPO_DIR/.env" "$SERVER_DIR/units/weather.service"
chown "$SERVICE_USER:$SERVICE_USER" "$REPO_DIR/.env"
chmod 0600 "$REPO_DIR/.env"
if [[ ${#backing[@]} -gt 0 ]]; then
    # Before the unit starts, so the service comes up on the servers it is pointed at.
    bash "$SERVER_DIR/scripts/backing_services.sh" "${backing[@]}" "$REPO_DIR/.env"
fi

log "Course site -> $SITE_ROOT (API on the same origin)"
(cd "$REPO_DIR" && "$VENV/bin/coursegen" build notes -o "$SITE_ROOT" --api-base "")
chmod -R a+rX "$SITE_ROOT"

log "systemd unit '$SERVICE'"
install -m 0644 "$SERVER_DIR/units/weather.service" "/etc/systemd/system/$SERVICE.service"
systemctl daemon-reload
systemctl enable "$SERVICE"
systemctl restart "$SERVICE"
for _ in $(seq 1 30); do
    [[ -S $SOCKET ]] && break
    sleep 1
done
[[ -S $SOCKET ]] || die "gunicorn did not open $SOCKET; see: journalctl -u $SERVICE -n 50"

log "nginx site"
server_name=${domain:-_}
sed -e "s|{{LISTEN}}|80|g" \
    -e "s|{{SERVER_NAME}}|$server_name|g" \
    -e "s|{{SITE_ROOT}}|$SITE_ROOT|g" \
    -e "s|{{UPSTREAM}}|unix:$SOCKET|g" \
    "$SERVER_DIR/nginx/weather.nginx" >"$NGINX_SITE.new"
if grep -q '{{' "$NGINX_SITE.new"; then
    die "unfilled placeholder in $NGINX_SITE.new: $(grep -o '{{[A-Z_]*}}' "$NGINX_SITE.new" | head -n 1)"
fi
mv "$NGINX_SITE.new" "$NGINX_SITE"
ln -sfn "$NGINX_SITE" /etc/nginx/sites-enabled/weather
rm -f /etc/nginx/sites-enabled/default
nginx -t
systemctl enable nginx
systemctl reload-or-restart nginx

if [[ -n $domain ]]; then
    log "HTTPS for $domain (Let's Encrypt, certbot from snap)"
    apt-get install -y -q snapd
    snap install core
    snap refresh core
    if ! snap list certbot >/dev/null 2>&1; then
        snap install --classic certbot
    fi
    ln -sf /snap/bin/certbot /usr/bin/certbot
    contact=(--register-unsafely-without-email)
    if [[ -n $email ]]; then
        contact=(--email "$email")
    fi
    certbot --nginx -d "$domain" --non-interactive --agree-tos "${contact[@]}" \
        --redirect --keep-until-expiring
    nginx -t
    systemctl reload nginx
fi

log "Smoke test through nginx"
if [[ -n $domain ]]; then
    health=$(curl -fsS --resolve "$domain:443:127.0.0.1" "https://$domain/api/health")
else
    health=$(curl -fsS http://127.0.0.1/api/health)
fi
printf '%s\n' "$health"
# /api/health names the store and the cache it uses ("kind"): the ones asked for must be there.
for option in "${backing[@]}"; do
    kind=${option#--}
    kind=${kind/postgres/postgresql}
    [[ $health == *"\"$kind\""* ]] ||
        die "the API does not report $kind in /api/health; see: journalctl -u $SERVICE -n 50"
done
printf '\n\nDone. Site: http://%s/  API docs: http://%s/docs\n' \
    "${domain:-<server address>}" "${domain:-<server address>}"
printf 'Logs: journalctl -u %s -f    Restart after git pull: sudo %s --no-upgrade\n' \
    "$SERVICE" "$0"
