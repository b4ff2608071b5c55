/* The lexer: identifiers (which may contain '-', as in name-list), decimal and hex
 * integers, strings with C escapes, punctuation; // and C comments are skipped. */
#include "mpl/mplc.h"

#include <ctype.h>
#include <string.h>

void lex_init(struct mplc *c)
{
    c->pos = 0;
    c->line = c->col = 1;
    c->have_peek = false;
    lex_next(c);
}

static int cur(const struct mplc *c)
{
    return c->pos < c->src_len ? (unsigned char)c->src[c->pos] : -1;
}

static int at(const struct mplc *c, size_t k)
{
    return c->pos + k < c->src_len ? (unsigned char)c->src[c->pos + k] : -1;
}

static void advance(struct mplc *c)
{
    if (c->pos >= c->src_len)
        return;
    if (c->src[c->pos] == '\n') {
        c->line++;
        c->col = 1;
    } else {
        c->col++;
    }
    c->pos++;
}

static void skip_space(struct mplc *c)
{
    for (;;) {
        int ch = cur(c);
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            advance(c);
        } else if (ch == '/' && at(c, 1) == '/') {
            while (cur(c) != -1 && cur(c) != '\n')
                advance(c);
        } else if (ch == '/' && at(c, 1) == '*') {
            struct loc start = { c->line, c->col };
            advance(c);
            advance(c);
            while (cur(c) != -1 && !(cur(c) == '*' && at(c, 1) == '/'))
                advance(c);
            if (cur(c) == -1) {
                mplc_error(c, start, "unterminated comment");
                return;
            }
            advance(c);
            advance(c);
        } else {
            return;
        }
    }
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static void lex_string(struct mplc *c, struct token *t)
{
    advance(c);                                 /* opening quote */
    char *buf = mplc_alloc(c, c->src_len + 1);  /* never longer than the source */
    size_t n = 0;
    for (;;) {
        int ch = cur(c);
        if (ch == -1 || ch == '\n') {
            mplc_error(c, t->loc, "unterminated string");
            break;
        }
        if (ch == '"') {
            advance(c);
            break;
        }
        if (ch == '\\') {
            struct loc eloc = { c->line, c->col };
            advance(c);
            int e = cur(c);
            advance(c);
            switch (e) {
            case 'n': buf[n++] = '\n'; break;
            case 'r': buf[n++] = '\r'; break;
            case 't': buf[n++] = '\t'; break;
            case '0': buf[n++] = '\0'; break;
            case '\\': buf[n++] = '\\'; break;
            case '"': buf[n++] = '"'; break;
            case 'x': {
                int h = hexval(cur(c)), l = hexval(at(c, 1));
                if (h < 0 || l < 0) {
                    mplc_error(c, eloc, "\\x needs two hex digits");
                    break;
                }
                advance(c);
                advance(c);
                buf[n++] = (char)(h << 4 | l);
                break;
            }
            default:
                mplc_error(c, eloc, "unknown escape in string");
            }
            continue;
        }
        buf[n++] = (char)ch;
        advance(c);
    }
    t->kind = TK_STRING;
    t->text = buf;
    t->len = n;
}

static void lex_number(struct mplc *c, struct token *t)
{
    uint64_t v = 0;
    bool overflow = false;
    if (cur(c) == '0' && (at(c, 1) == 'x' || at(c, 1) == 'X')) {
        advance(c);
        advance(c);
        if (hexval(cur(c)) < 0)
            mplc_error(c, t->loc, "hex number without digits");
        while (hexval(cur(c)) >= 0) {
            overflow |= v >> 60 != 0;
            v = v << 4 | (uint64_t)hexval(cur(c));
            advance(c);
        }
    } else {
        while (cur(c) >= '0' && cur(c) <= '9') {
            uint64_t d = (uint64_t)(cur(c) - '0');
            overflow |= v > (UINT64_MAX - d) / 10;
            v = v * 10 + d;
            advance(c);
        }
    }
    if (overflow)
        mplc_error(c, t->loc, "number does not fit in 64 bits");
    if (isalpha(cur(c)) || cur(c) == '_')
        mplc_error(c, (struct loc){ c->line, c->col }, "letter right after a number");
    t->kind = TK_INT;
    t->ival = v;
}

static void lex_one(struct mplc *c, struct token *t)
{
    skip_space(c);
    memset(t, 0, sizeof *t);
    t->loc = (struct loc){ c->line, c->col };
    int ch = cur(c);
    if (ch == -1) {
        t->kind = TK_EOF;
        return;
    }
    if (isalpha(ch) || ch == '_') {
        size_t start = c->pos;
        /* '-' joins words only when a letter follows: name-list, not a-1 */
        while (isalnum(cur(c)) || cur(c) == '_' || (cur(c) == '-' && isalpha(at(c, 1))))
            advance(c);
        t->kind = TK_IDENT;
        t->text = mplc_strdup(c, c->src + start, c->pos - start);
        t->len = c->pos - start;
        return;
    }
    if (isdigit(ch)) {
        lex_number(c, t);
        return;
    }
    if (ch == '"') {
        lex_string(c, t);
        return;
    }
    static const struct { const char *s; enum tok k; } punct[] = {
        { "->", TK_ARROW }, { "..", TK_DOTDOT }, { "==", TK_EQ }, { "!=", TK_NE },
        { "<=", TK_LE }, { ">=", TK_GE }, { "&&", TK_AND }, { "||", TK_OR },
        { "{", TK_LBRACE }, { "}", TK_RBRACE }, { "(", TK_LPAREN }, { ")", TK_RPAREN },
        { "[", TK_LBRACK }, { "]", TK_RBRACK }, { ":", TK_COLON }, { ";", TK_SEMI },
        { ",", TK_COMMA }, { "|", TK_BAR }, { "*", TK_STAR }, { "+", TK_PLUS },
        { "-", TK_MINUS }, { "/", TK_SLASH }, { "<", TK_LT }, { ">", TK_GT },
        { "!", TK_NOT }, { "=", TK_ASSIGN },
    };
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++) {
        size_t n = strlen(punct[i].s);
        if (c->pos + n <= c->src_len && memcmp(c->src + c->pos, punct[i].s, n) == 0) {
            for (size_t k = 0; k < n; k++)
                advance(c);
            t->kind = punct[i].k;
            return;
        }
    }
    mplc_error(c, t->loc, "unexpected character '%c'", isprint(ch) ? ch : '?');
    advance(c);
    lex_one(c, t);
}

void lex_next(struct mplc *c)
{
    if (c->have_peek) {
        c->tok = c->peek;
        c->have_peek = false;
        return;
    }
    lex_one(c, &c->tok);
}

const struct token *lex_peek(struct mplc *c)
{
    if (!c->have_peek) {
        lex_one(c, &c->peek);
        c->have_peek = true;
    }
    return &c->peek;
}

const char *tok_name(enum tok k)
{
    static const char *const names[] = {
        [TK_EOF] = "end of file", [TK_IDENT] = "a name", [TK_INT] = "a number",
        [TK_STRING] = "a string", [TK_LBRACE] = "'{'", [TK_RBRACE] = "'}'",
        [TK_LPAREN] = "'('", [TK_RPAREN] = "')'", [TK_LBRACK] = "'['",
        [TK_RBRACK] = "']'", [TK_COLON] = "':'", [TK_SEMI] = "';'", [TK_COMMA] = "','",
        [TK_BAR] = "'|'", [TK_ARROW] = "'->'", [TK_DOTDOT] = "'..'", [TK_STAR] = "'*'",
        [TK_PLUS] = "'+'", [TK_MINUS] = "'-'", [TK_SLASH] = "'/'", [TK_EQ] = "'=='",
        [TK_NE] = "'!='", [TK_LT] = "'<'", [TK_LE] = "'<='", [TK_GT] = "'>'",
        [TK_GE] = "'>='", [TK_AND] = "'&&'", [TK_OR] = "'||'", [TK_NOT] = "'!'",
        [TK_ASSIGN] = "'='",
    };
    return names[k];
}
