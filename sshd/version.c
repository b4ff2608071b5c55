/* RFC 4253 §4.2 identification exchange (see version.h). */
#include "sshd/version.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int version_format(char *out, size_t out_size, const char *comment)
{
    int n;

    if (out == NULL)
        return -EINVAL;
    if (comment != NULL) {
        for (const char *c = comment; *c != '\0'; c++)
            if (*c < 0x20 || *c > 0x7e)
                return -EINVAL;
    }
    if (comment != NULL && *comment == '\0')
        comment = NULL;
    /* measure first: the line's own limit outranks the caller's buffer */
    n = snprintf(NULL, 0, "SSH-2.0-%s%s%s\r\n", VERSION_SOFTWARE,
                 comment != NULL ? " " : "", comment != NULL ? comment : "");
    if (n < 0)
        return -EINVAL;
    if (n > VERSION_LINE_MAX)
        return -ERANGE;
    if ((size_t)n >= out_size)
        return -ENOSPC;
    snprintf(out, out_size, "SSH-2.0-%s%s%s\r\n", VERSION_SOFTWARE,
             comment != NULL ? " " : "", comment != NULL ? comment : "");
    return n;
}

void version_reader_init(struct version_reader *vr, unsigned max_pre_lines)
{
    memset(vr, 0, sizeof(*vr));
    vr->max_pre_lines = max_pre_lines;
}

/* Reads 1 to 9 decimal digits at *p (no sign, no overflow possible). */
static bool read_number(const char **p, int *out)
{
    int v = 0, n = 0;

    while (**p >= '0' && **p <= '9') {
        if (++n > 9)
            return false;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return n > 0;
}

static int fail(struct version_reader *vr, int err, const char *cause)
{
    vr->err = err;
    vr->cause = cause;
    return err;
}

/* "SSH-<major>.<minor>-<softwareversion...>": the shape OpenSSH's sscanf accepts,
 * then the versions a protocol 2 server talks to. */
static int parse_identification(struct version_reader *vr)
{
    const char *p = vr->line + 4;

    if (!read_number(&p, &vr->major) || *p++ != '.' ||
        !read_number(&p, &vr->minor) || *p++ != '-' || *p == '\0')
        return fail(vr, -EBADMSG, "not SSH-<major>.<minor>-<software>");
    vr->software_off = (size_t)(p - vr->line);
    if (vr->major == 2 || (vr->major == 1 && vr->minor == 99))
        return 0;
    return fail(vr, -EPROTONOSUPPORT, "protocol major versions differ (not 2.0)");
}

/* A whole line (terminator dropped) is in line[]: the identification, or a line
 * before it. Returns 1 when done, 0 to read the next line, or an error. */
static int end_of_line(struct version_reader *vr)
{
    int r;

    vr->line[vr->len] = '\0';
    if (vr->len > 4 && memcmp(vr->line, "SSH-", 4) == 0) {
        if ((r = parse_identification(vr)) < 0)
            return r;
        vr->done = true;
        return 1;
    }
    if (vr->pre_lines >= vr->max_pre_lines)
        return fail(vr, -EBADMSG, vr->max_pre_lines == 0 ? "does not start with SSH-" :
                                  "too many lines before the identification");
    vr->pre_lines++;
    vr->len = 0;
    vr->taken = 0;
    vr->saw_cr = false;
    return 0;
}

int version_feed(struct version_reader *vr, const uint8_t *buf, size_t len,
                 size_t *consumed)
{
    size_t i;
    int r;

    if (vr == NULL || consumed == NULL || (buf == NULL && len > 0))
        return -EINVAL;
    *consumed = 0;
    if (vr->err != 0)
        return vr->err;
    if (vr->done)
        return 1;
    for (i = 0; i < len; i++) {
        uint8_t c = buf[i];

        if (++vr->taken > VERSION_LINE_MAX)
            return fail(vr, -EBADMSG, "longer than 255 bytes");
        if (c == '\n') {
            r = end_of_line(vr);
            if (r != 0) {
                *consumed = i + 1;
                return r;
            }
            continue;
        }
        if (c == '\0')
            return fail(vr, -EBADMSG, "a NUL byte");
        if (vr->saw_cr)
            return fail(vr, -EBADMSG, "a CR not followed by LF");
        if (c == '\r') {
            vr->saw_cr = true;
            continue;
        }
        vr->line[vr->len++] = (char)c;
    }
    *consumed = len;
    return 0;
}

const char *version_peer_line(const struct version_reader *vr, size_t *len)
{
    if (vr == NULL || !vr->done)
        return NULL;
    if (len != NULL)
        *len = vr->len;
    return vr->line;
}

const char *version_peer_software(const struct version_reader *vr)
{
    if (vr == NULL || !vr->done)
        return NULL;
    return vr->line + vr->software_off;
}

const char *version_error_cause(const struct version_reader *vr)
{
    return vr != NULL && vr->err != 0 ? vr->cause : NULL;
}

const char *version_error_text(const struct version_reader *vr, size_t *len)
{
    if (vr == NULL || vr->err == 0 || len == NULL)
        return NULL;
    *len = vr->len;
    return vr->line;
}

const char *version_error_line(int err)
{
    switch (err) {
    case -EBADMSG:
        return "Invalid SSH identification string.\r\n";
    case -EPROTONOSUPPORT:
        return "Protocol major versions differ.\r\n";
    default:
        return NULL;
    }
}
