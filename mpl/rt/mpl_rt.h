/*
 * mpl/rt: the codec runtime that mplc-generated code calls.
 *
 * A reader is a view (pointer + length) over received bytes. Every read either succeeds
 * and advances, or fails with a negative errno and leaves the reader where it was, so a
 * caller can report exactly where the input went wrong. Strings are returned as zero-copy
 * views into the input: the input must outlive the views.
 *
 * A writer fills a caller-supplied buffer. Room is reserved in front of the payload for
 * the packet header (uint32 length + padding length) and behind it for padding and MAC,
 * so the transport can pack, pad, encrypt and MAC in place. The error is sticky: after
 * the first failure every call fails and mpl_writer_finish() reports the first error.
 */
#ifndef MPL_RT_H
#define MPL_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 4251 §6: a name is at most 64 printable US-ASCII characters. */
#define MPL_NAME_MAX_LEN 64
/* A name-list longer than this is hostile: no real peer proposes so many algorithms. */
#define MPL_NAMELIST_MAX_NAMES 128
/* Largest mpint accepted: 16384-bit magnitude plus the sign byte (RSA/DH moduli). */
#define MPL_MPINT_MAX_BYTES (16384 / 8 + 1)

/* A zero-copy view of bytes (a string32's contents, a byte[n] field, an mpint). */
struct mpl_bytes {
    const uint8_t *ptr;
    size_t len;
};

/* What went wrong in an unpack or pack, for logs: the error code, the path of the field
 * ("kexinit.kex_algorithms") and the offset into the payload where it was read. */
struct mpl_error {
    int code;
    const char *field;
    size_t offset;
};

/* Where a reader found each length prefix and boolean: tests use it to corrupt exactly
 * those bytes. NULL in normal use. */
#define MPL_TRACE_MAX 512
enum mpl_trace_kind { MPL_TRACE_LENGTH = 1, MPL_TRACE_BOOL = 2 };
struct mpl_trace {
    size_t offset[MPL_TRACE_MAX];
    uint8_t kind[MPL_TRACE_MAX];
    size_t n;
};

struct mpl_reader {
    const uint8_t *start;   /* the whole input, for offsets in errors */
    const uint8_t *p;       /* next unread byte */
    size_t left;            /* bytes left from p */
    struct mpl_trace *trace;
};

void mpl_reader_init(struct mpl_reader *r, const void *buf, size_t len);
size_t mpl_reader_left(const struct mpl_reader *r);
size_t mpl_reader_offset(const struct mpl_reader *r);

int mpl_read_u8(struct mpl_reader *r, uint8_t *out);
int mpl_read_u32(struct mpl_reader *r, uint32_t *out);
int mpl_read_u64(struct mpl_reader *r, uint64_t *out);
/* A boolean on the wire is exactly 0 or 1; anything else is malformed here. */
int mpl_read_bool(struct mpl_reader *r, bool *out);
/* uint32 length then that many bytes; the view points into the input. */
int mpl_read_string(struct mpl_reader *r, struct mpl_bytes *out);
/* Exactly n bytes. */
int mpl_read_fixed(struct mpl_reader *r, size_t n, struct mpl_bytes *out);
/* A canonical mpint (RFC 4251 §5): no needless leading 0x00 or 0xff byte, zero is the
 * empty string, negative only when allow_negative. The view is the two's complement
 * bytes as on the wire (a leading 0x00 sign byte included). */
int mpl_read_mpint(struct mpl_reader *r, bool allow_negative, struct mpl_bytes *out);
/* A string that is a valid name-list (see mpl_namelist_valid). */
int mpl_read_namelist(struct mpl_reader *r, struct mpl_bytes *out);
/* 0 when every byte was consumed, -EBADMSG when bytes trail. */
int mpl_reader_end(const struct mpl_reader *r);

/* Checks a name-list: names separated by single commas, none empty, each at most
 * MPL_NAME_MAX_LEN printable US-ASCII characters other than comma, at most
 * MPL_NAMELIST_MAX_NAMES names. The empty list is valid. Returns 0 or -EBADMSG. */
int mpl_namelist_valid(const uint8_t *p, size_t len);
/* Iterates a valid name-list: *pos starts at 0; returns 1 with *name set, 0 at the end. */
int mpl_namelist_next(struct mpl_bytes list, size_t *pos, struct mpl_bytes *name);
/* Whether a name-list contains the name exactly. */
bool mpl_namelist_contains(struct mpl_bytes list, const char *name);
/* Checks that an mpint's two's complement bytes are canonical; 0 or -EBADMSG. */
int mpl_mpint_canonical(const uint8_t *p, size_t len, bool allow_negative);

/* Compares two views: equal lengths and bytes. */
bool mpl_bytes_eq(struct mpl_bytes a, struct mpl_bytes b);
/* Whether a view equals a NUL-terminated string. */
bool mpl_bytes_eq_str(struct mpl_bytes a, const char *s);
/* A view of a NUL-terminated string (not including the NUL). */
struct mpl_bytes mpl_bytes_str(const char *s);

struct mpl_writer {
    uint8_t *buf;           /* the caller's buffer */
    size_t head;            /* reserved in front: payload starts at buf + head */
    size_t end;             /* payload may not pass buf + end (capacity minus tail room) */
    size_t pos;             /* next byte written at buf + pos */
    int err;                /* first error, sticky */
};

/* Sets up a writer over buf[0..cap): the payload starts after head_room bytes and may
 * not come within tail_room bytes of the end. Fails (and the error sticks) with -EINVAL
 * when the rooms do not fit. */
int mpl_writer_init(struct mpl_writer *w, void *buf, size_t cap, size_t head_room,
                    size_t tail_room);
int mpl_write_u8(struct mpl_writer *w, uint8_t v);
int mpl_write_u32(struct mpl_writer *w, uint32_t v);
int mpl_write_u64(struct mpl_writer *w, uint64_t v);
int mpl_write_bool(struct mpl_writer *w, bool v);
/* uint32 length and the bytes. When the bytes are already where they would be written
 * (see mpl_writer_string_room) they are not copied. */
int mpl_write_string(struct mpl_writer *w, const void *p, size_t len);
int mpl_write_fixed(struct mpl_writer *w, const void *p, size_t len);
/* An mpint from two's complement bytes that must already be canonical (-EINVAL if not). */
int mpl_write_mpint(struct mpl_writer *w, const void *p, size_t len, bool allow_negative);
/* An mpint from an unsigned big-endian magnitude: leading zeros are dropped and a sign
 * byte added when the top bit is set. */
int mpl_write_mpint_unsigned(struct mpl_writer *w, const void *mag, size_t len);
/* A name-list, checked (-EINVAL if invalid). */
int mpl_write_namelist(struct mpl_writer *w, const void *p, size_t len);
/* Where the contents of the next string would go (after its 4-byte length), and how many
 * bytes fit there; NULL when the writer has failed or no byte fits. A caller reads
 * data straight into it and then writes the string with that pointer: no copy is made. */
uint8_t *mpl_writer_string_room(const struct mpl_writer *w, size_t *room);
/* The payload so far: pointer to its first byte and its length. */
uint8_t *mpl_writer_payload(const struct mpl_writer *w, size_t *len);
/* 0 and the payload length when every write succeeded, else the first error. */
int mpl_writer_finish(const struct mpl_writer *w, size_t *payload_len);

/* ---- used by generated code ---- */

/* A view of a string literal, which may contain NUL bytes. */
#define MPL_LIT(s) ((struct mpl_bytes){ (const uint8_t *)(s), sizeof(s) - 1 })
/* The count of a P[*] field: as many elements as the input holds. */
#define MPL_ARRAY_REST UINT64_MAX

/* Division in size expressions: by zero gives zero (and so a size that will not match). */
static inline uint64_t mpl_div(uint64_t a, uint64_t b)
{
    return b ? a / b : 0;
}

/* Records an unpack error (when err is not NULL) and returns code. */
int mpl_fail(struct mpl_error *err, int code, const char *field, size_t offset);
/* Records a pack error: makes it the writer's sticky error (unless one is already
 * there), fills err, returns the writer's error. */
int mpl_pack_fail(struct mpl_writer *w, struct mpl_error *err, int code, const char *field);

/* The debug printer's output: text appended into a caller buffer, truncated at its end
 * but always NUL-terminated; len counts what would have been written. */
struct mpl_fmt {
    char *buf;
    size_t cap;
    size_t len;
};
void mpl_fmt_init(struct mpl_fmt *f, char *buf, size_t cap);
void mpl_fmt_text(struct mpl_fmt *f, const char *s);
/* "<indent>name: " */
void mpl_fmt_name(struct mpl_fmt *f, int indent, const char *name);
void mpl_fmt_u64(struct mpl_fmt *f, int indent, const char *name, uint64_t v);
void mpl_fmt_bool(struct mpl_fmt *f, int indent, const char *name, bool v);
/* Text when every byte is printable, else hex; long values are cut with their length. */
void mpl_fmt_bytes(struct mpl_fmt *f, int indent, const char *name, struct mpl_bytes v);
void mpl_fmt_hex(struct mpl_fmt *f, int indent, const char *name, struct mpl_bytes v);
/* A secret shows only its length. */
void mpl_fmt_secret(struct mpl_fmt *f, int indent, const char *name, struct mpl_bytes v);
int mpl_fmt_result(const struct mpl_fmt *f);

/* The table of the packets a generated file declares, with type-erased entry points:
 * mpldump, the round-trip tests and the fuzz targets drive every packet through it.
 * `state` holds the packet's state variables in declaration order. */
struct mpl_sample;

struct mpl_packet_info {
    const char *name;
    const char *const *state_names;
    size_t nstate;
    size_t size;                /* sizeof the packet's struct */
    size_t nkinds;              /* variants; 1 without classify */
    const char *(*kind_name)(unsigned kind);
    unsigned (*kind_of)(const void *m);
    /* unpacks buf with the given state variables and formats it into out */
    int (*dump)(const uint8_t *buf, size_t len, const uint64_t *state, char *out, size_t cap,
                struct mpl_error *err);
    int (*read)(struct mpl_reader *r, const uint64_t *state, void *m, struct mpl_error *err);
    int (*pack)(struct mpl_writer *w, const void *m, struct mpl_error *err);
    bool (*equal)(const void *a, const void *b);
    int (*format)(const void *m, char *buf, size_t cap);
    int (*sample)(void *m, unsigned kind, struct mpl_sample *s);
    /* state variables under which the sample of `kind` classifies as `kind` */
    void (*sample_state)(unsigned kind, uint64_t *state);
    bool (*may_truncate)(const void *m);
};

/* Deterministic sample values for the generated *_sample() functions (round-trip tests
 * and fuzz seeds): bytes come from a caller pool. */
struct mpl_sample {
    uint8_t *pool;
    size_t cap;
    size_t used;
    uint64_t rng;
    int err;
};
void mpl_sample_init(struct mpl_sample *s, void *pool, size_t cap, uint64_t seed);
uint64_t mpl_sample_u64(struct mpl_sample *s);
/* A number in [lo, hi]. */
uint64_t mpl_sample_range(struct mpl_sample *s, uint64_t lo, uint64_t hi);
/* n random bytes from the pool (a view of length 0 and err set when it is full). */
struct mpl_bytes mpl_sample_bytes(struct mpl_sample *s, size_t n);
/* Random bytes whose length is within [min, max], at most a few beyond min. */
struct mpl_bytes mpl_sample_string(struct mpl_sample *s, uint64_t min, uint64_t max);
struct mpl_bytes mpl_sample_namelist(struct mpl_sample *s);
struct mpl_bytes mpl_sample_mpint(struct mpl_sample *s, bool allow_negative);
/* A string that is none of the given ones (for default variants). */
struct mpl_bytes mpl_sample_other_string(struct mpl_sample *s);
/* A copy of n bytes in the pool. */
struct mpl_bytes mpl_sample_copy(struct mpl_sample *s, const void *p, size_t n);

#endif
