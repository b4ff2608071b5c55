/* Error reports of generated unpack and pack functions: which field, where. */
#include "mpl/rt/mpl_rt.h"

int mpl_fail(struct mpl_error *err, int code, const char *field, size_t offset)
{
    if (err) {
        err->code = code;
        err->field = field;
        err->offset = offset;
    }
    return code;
}

int mpl_pack_fail(struct mpl_writer *w, struct mpl_error *err, int code, const char *field)
{
    if (!w->err)
        w->err = code;
    return mpl_fail(err, w->err, field, w->pos >= w->head ? w->pos - w->head : 0);
}
