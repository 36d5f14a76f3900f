// libpq lives in /usr/include/postgresql on Debian (pkg-config --cflags libpq).
#include <postgresql/libpq-fe.h>
