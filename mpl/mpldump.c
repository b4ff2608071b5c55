/* mpldump: decodes one payload with the generated codecs and prints it field by field.
 *
 *   mpldump [--hex] [--packet NAME] [--state VAR=N ...] [--list] < payload
 *
 * The payload is raw bytes on stdin, or hex digits with --hex (whitespace ignored).
 * NAME defaults to ssh_msg; --list prints every packet name it knows. Exit status 0
 * when the payload decodes, 1 when it is malformed (the failing field is printed),
 * 2 on a usage error. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "monitor.h"
#include "ssh.h"

#define MAX_PAYLOAD (1u << 20)
#define MAX_STATE 8

struct table {
    const struct mpl_packet_info *v;
    const size_t *n;
};

static const struct table tables[] = {
    { ssh_packets, &ssh_npackets },
    { monitor_packets, &monitor_npackets },
    { keys_packets, &keys_npackets },
};

static const struct mpl_packet_info *find_packet(const char *name)
{
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < *tables[t].n; i++)
            if (strcmp(tables[t].v[i].name, name) == 0)
                return &tables[t].v[i];
    return NULL;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Reads stdin whole; with hex, turns pairs of hex digits into bytes. */
static int read_input(bool hex, uint8_t *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    int hi = -1, ch;
    while ((ch = getchar()) != EOF) {
        if (!hex) {
            if (n == cap)
                return -ENOSPC;
            buf[n++] = (uint8_t)ch;
            continue;
        }
        if (isspace(ch))
            continue;
        int v = hexval(ch);
        if (v < 0)
            return -EINVAL;
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n == cap)
            return -ENOSPC;
        buf[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0)
        return -EINVAL;
    *len = n;
    return 0;
}

static void usage(void)
{
    fputs("usage: mpldump [--hex] [--packet NAME] [--state VAR=N ...] [--list] < payload\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    bool hex = false;
    const char *name = "ssh_msg";
    const char *state_arg[MAX_STATE];
    size_t nstate_arg = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--hex") == 0) {
            hex = true;
        } else if (strcmp(argv[i], "--packet") == 0 && i + 1 < argc) {
            name = argv[++i];
        } else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc && nstate_arg < MAX_STATE) {
            state_arg[nstate_arg++] = argv[++i];
        } else if (strcmp(argv[i], "--list") == 0) {
            for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
                for (size_t k = 0; k < *tables[t].n; k++)
                    printf("%s\n", tables[t].v[k].name);
            return 0;
        } else {
            usage();
        }
    }
    const struct mpl_packet_info *info = find_packet(name);
    if (!info) {
        fprintf(stderr, "mpldump: unknown packet '%s' (see --list)\n", name);
        return 2;
    }
    uint64_t state[MAX_STATE] = { 0 };
    for (size_t i = 0; i < nstate_arg; i++) {
        const char *eq = strchr(state_arg[i], '=');
        size_t k = 0;
        while (eq && k < info->nstate &&
               !(strlen(info->state_names[k]) == (size_t)(eq - state_arg[i]) &&
                 strncmp(info->state_names[k], state_arg[i], (size_t)(eq - state_arg[i])) == 0))
            k++;
        if (!eq || k == info->nstate) {
            fprintf(stderr, "mpldump: '%s' is not VAR=N for a state variable of %s\n",
                    state_arg[i], name);
            return 2;
        }
        char *end;
        state[k] = strtoull(eq + 1, &end, 0);
        if (*end || end == eq + 1) {
            fprintf(stderr, "mpldump: bad number in '%s'\n", state_arg[i]);
            return 2;
        }
    }

    static uint8_t payload[MAX_PAYLOAD];
    size_t len;
    if (read_input(hex, payload, sizeof payload, &len) < 0) {
        fprintf(stderr, "mpldump: %s\n", hex ? "input is not an even number of hex digits"
                                            : "input too large");
        return 2;
    }
    static char out[1 << 20];
    struct mpl_error err = { 0 };
    int rc = info->dump(payload, len, state, out, sizeof out, &err);
    if (rc < 0) {
        printf("%s: malformed: %s at offset %zu (%s)\n", name, err.field ? err.field : "?",
               err.offset, strerror(-rc));
        return 1;
    }
    fputs(out, stdout);
    return 0;
}
