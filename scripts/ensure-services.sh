#!/usr/bin/env bash
# Starts the services the tests talk to when they do not answer on their default ports: Redis (cache, Celery broker)
# and RabbitMQ (the other broker the production setup accepts). Machines of this project's kind start both before a
# session; a fresh machine without them gets them from Debian's packages. Never fails the build: a test that needs a
# service it cannot reach skips with the reason.
set -u

answers() { python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 2)" "$1" 2>/dev/null; }

install_if_missing() {  # $1 command, $2 Debian package
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "Installing Debian package $2"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null) 2>/dev/null
}

if ! answers 6379; then
  install_if_missing redis-server redis-server && redis-server --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 1 20); do answers 6379 && break; sleep 0.5; done
fi
answers 6379 && echo "Redis answers on 127.0.0.1:6379" || echo "WARNING: Redis is not running: tests that need it skip"

if ! answers 5672; then
  install_if_missing rabbitmq-server rabbitmq-server && (rabbitmq-server -detached >/dev/null 2>&1 || service rabbitmq-server start >/dev/null 2>&1)
  for _ in $(seq 1 60); do answers 5672 && break; sleep 1; done
fi
answers 5672 && echo "RabbitMQ answers on 127.0.0.1:5672" || echo "WARNING: RabbitMQ is not running: tests that need it skip"
exit 0
