/*
 * Sends one datagram to systemd's notification socket (sd_notify(3)).
 * Node has no AF_UNIX datagram sockets, and libsystemd would be one more
 * library to cross-build; the protocol is a single sendto().
 */
#include <node_api.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

/* notify(socketPath: string, state: string): void */
static napi_value Notify(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  struct sockaddr_un addr;
  char state[4096];
  size_t path_len = 0, state_len = 0;

  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 ||
      napi_get_value_string_utf8(env, argv[0], addr.sun_path, sizeof addr.sun_path, &path_len) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], state, sizeof state, &state_len) != napi_ok) {
    napi_throw_type_error(env, NULL, "notify(socketPath: string, state: string)");
    return NULL;
  }
  /* A full buffer means the string was cut short. */
  if (path_len == 0 || path_len >= sizeof addr.sun_path - 1) return fail(env, "NOTIFY_SOCKET path is empty or too long");
  if (state_len >= sizeof state - 1) return fail(env, "notification is too long");
  /* "@name" is a socket in the abstract namespace. */
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';

  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(env, strerror(errno));
  ssize_t sent = sendto(fd, state, state_len, MSG_NOSIGNAL, (struct sockaddr *)&addr,
                        (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_len));
  int err = errno;
  close(fd);
  if (sent < 0) return fail(env, strerror(err));
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "notify", NAPI_AUTO_LENGTH, Notify, NULL, &fn) != napi_ok ||
      napi_set_named_property(env, exports, "notify", fn) != napi_ok)
    return NULL;
  return exports;
}
