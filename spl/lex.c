/* splc lexer: identifiers (with '*' for statecall globs), integers, punctuation.
 * Comments are '#' or '//' to the end of the line, and C-style block comments. */
#include <ctype.h>
#include <string.h>

#include "spl/spl.h"

void spl_lex_init(struct spl_lexer *lx, const struct spl_source *src)
{
	lx->src = src;
	lx->pos = 0;
	lx->line = 1;
	lx->col = 1;
}

static int peekc(const struct spl_lexer *lx, size_t ahead)
{
	return lx->pos + ahead < lx->src->len ? (unsigned char)lx->src->text[lx->pos + ahead] : -1;
}

static void advance(struct spl_lexer *lx)
{
	if (lx->src->text[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static void skip_space(struct spl_lexer *lx)
{
	for (;;) {
		int c = peekc(lx, 0);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			advance(lx);
		} else if (c == '#' || (c == '/' && peekc(lx, 1) == '/')) {
			while (peekc(lx, 0) != -1 && peekc(lx, 0) != '\n')
				advance(lx);
		} else if (c == '/' && peekc(lx, 1) == '*') {
			advance(lx);
			advance(lx);
			while (peekc(lx, 0) != -1 && !(peekc(lx, 0) == '*' && peekc(lx, 1) == '/'))
				advance(lx);
			if (peekc(lx, 0) != -1) {
				advance(lx);
				advance(lx);
			}
		} else {
			return;
		}
	}
}

static int ident_char(int c)
{
	return c != -1 && (isalnum(c) || c == '_' || c == '*');
}

struct spl_token spl_lex_next(struct spl_lexer *lx)
{
	struct spl_token t = { .kind = TK_ERROR };

	skip_space(lx);
	t.loc.src = lx->src;
	t.loc.line = lx->line;
	t.loc.col = lx->col;
	int c = peekc(lx, 0);
	if (c == -1) {
		t.kind = TK_EOF;
		return t;
	}
	if (isalpha(c) || c == '_' || (c == '*' && ident_char(peekc(lx, 1)))) {
		size_t start = lx->pos;
		while (ident_char(peekc(lx, 0)))
			advance(lx);
		size_t n = lx->pos - start;
		t.text = xcalloc(n + 1, 1);
		memcpy(t.text, lx->src->text + start, n);
		t.kind = TK_IDENT;
		return t;
	}
	if (isdigit(c)) {
		long v = 0;
		while (peekc(lx, 0) != -1 && isdigit(peekc(lx, 0))) {
			if (v > 100000000) {
				spl_error(&t.loc, "integer literal too large");
				t.kind = TK_ERROR;
				while (peekc(lx, 0) != -1 && isdigit(peekc(lx, 0)))
					advance(lx);
				return t;
			}
			v = v * 10 + (peekc(lx, 0) - '0');
			advance(lx);
		}
		t.kind = TK_INT;
		t.value = v;
		return t;
	}
	int c1 = peekc(lx, 1);
	static const struct { char a, b; enum spl_tok k; } two[] = {
		{ '.', '.', TK_DOTDOT }, { '=', '=', TK_EQ }, { '!', '=', TK_NE },
		{ '<', '=', TK_LE }, { '>', '=', TK_GE }, { '&', '&', TK_AND }, { '|', '|', TK_OR },
	};
	for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
		if (c == two[i].a && c1 == two[i].b) {
			advance(lx);
			advance(lx);
			t.kind = two[i].k;
			return t;
		}
	}
	static const char one[] = "{}();,=<>!+-*";
	static const enum spl_tok onek[] = { TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN,
		TK_SEMI, TK_COMMA, TK_ASSIGN, TK_LT, TK_GT, TK_NOT, TK_PLUS, TK_MINUS, TK_STAR };
	const char *p = strchr(one, c);
	if (p && c != 0) {
		advance(lx);
		t.kind = onek[p - one];
		return t;
	}
	spl_error(&t.loc, isprint(c) ? "unexpected character '%c'" : "unexpected byte 0x%02x", c);
	advance(lx);
	return t;
}

const char *spl_tok_name(enum spl_tok t)
{
	static const char *const names[] = {
		[TK_EOF] = "end of file", [TK_IDENT] = "identifier", [TK_INT] = "integer",
		[TK_LBRACE] = "'{'", [TK_RBRACE] = "'}'", [TK_LPAREN] = "'('",
		[TK_RPAREN] = "')'", [TK_SEMI] = "';'", [TK_COMMA] = "','", [TK_DOTDOT] = "'..'",
		[TK_ASSIGN] = "'='", [TK_EQ] = "'=='", [TK_NE] = "'!='", [TK_LT] = "'<'",
		[TK_LE] = "'<='", [TK_GT] = "'>'", [TK_GE] = "'>='", [TK_AND] = "'&&'",
		[TK_OR] = "'||'", [TK_NOT] = "'!'", [TK_PLUS] = "'+'", [TK_MINUS] = "'-'",
		[TK_STAR] = "'*'", [TK_ERROR] = "invalid token",
	};
	return names[t];
}
