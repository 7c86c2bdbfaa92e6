# idlc: the IDL compiler.  Everything but main() goes into a convenience
# library so that the unit tests can drive the lexer, parser and checker.

AM_YFLAGS = -d -Wall -Wno-yacc
AM_LFLAGS =

noinst_LIBRARIES += idlc/libidlc.a
idlc_libidlc_a_SOURCES = \
	idlc/parser.y idlc/parse.h \
	idlc/lexer.l idlc/lexer.h \
	idlc/syntax_error.c idlc/syntax_error.h \
	idlc/ast.c idlc/ast.h \
	idlc/diag.c idlc/diag.h \
	idlc/types.c idlc/types.h \
	idlc/lookup.c idlc/lookup.h \
	idlc/scope.c idlc/scope.h \
	idlc/names.c idlc/names.h \
	idlc/sema.c idlc/sema_names.c idlc/sema.h \
	idlc/emit.c idlc/emit.h \
	idlc/gen.h \
	idlc/gen_common.c \
	idlc/gen_types.c \
	idlc/gen_enum.c \
	idlc/gen_container.c \
	idlc/gen_struct.c \
	idlc/gen_union.c \
	idlc/gen_header.c \
	idlc/gen_client.c \
	idlc/gen_server.c \
	idlc/output.c idlc/output.h \
	idlc/depfile.c idlc/depfile.h \
	idlc/gen_skeleton.c idlc/skeleton.h \
	idlc/lint.c idlc/lint.h \
	idlc/load.c idlc/load.h \
	idlc/path.c idlc/path.h \
	idlc/compat.c idlc/compat.h

bin_PROGRAMS += idlc/idlc
idlc_idlc_SOURCES = idlc/main.c idlc/options.c idlc/options.h
idlc_idlc_LDADD = idlc/libidlc.a

# The lexer includes the parser's header: make sure it exists before any
# object of the library is compiled, even in "make -j idlc/idlc".
BUILT_SOURCES += idlc/parser.h
$(idlc_libidlc_a_OBJECTS) $(idlc_idlc_OBJECTS): idlc/parser.h
