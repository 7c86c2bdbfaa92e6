#include "config.h"

/*
 * gen_server.c - writes BASE_server.c: per procedure a static dispatch
 * function that decodes the arguments, calls the application's handler
 * and packs its result; per interface the method table, the
 * srpc_interface descriptor and NAME_serve() that registers them.
 */

#include <stdlib.h>

#include "gen.h"
#include "names.h"

/* Decodes argument I into the local of the same name. */
/* True when optional PARAM is decoded into memory from the arena
 * (everything but strings and any, which are pointers already). */
static bool arg_in_arena(const struct idl_param *param)
{
    return param->optional && !gen_ptr_kind(&param->type);
}

static void emit_get_arg(struct emit *e, const struct idl_param *param,
                         size_t i)
{
    const struct idl_type_info *t = param->type.type;
    const char *amp = arg_in_arena(param) ? "" : "&";

    if (gen_decode_checked(&param->type)) {
        /* Bounds and structs: the message says where and why. */
        struct emit call;
        char *dst = str_printf("%s%s", amp, param->name);
        char *obj = str_printf("&args[%zu]", i);
        char *type = gen_type_name(&param->type);

        emit_init(&call);
        if (dst != NULL && obj != NULL)
            gen_get_call(&call, &param->type, obj, "srpc_call_arena(call)",
                         dst, "&derr");
        emit_printf(&call, ";");
        gen_emit_rc_assign(e, &call);
        e->oom |= call.oom || dst == NULL || obj == NULL || type == NULL;
        emit_free(&call);
        if (gen_is_aggregate(&param->type)) {
            emit_line(e, "if (rc != SRPC_OK)");
            emit_line(e, "    return srpc_call_bad_value(call, &derr, %zu, "
                      "\"%s\");", i, param->name);
        } else {
            emit_line(e, "if (rc != SRPC_OK) {");
            emit_line(e, "    srpc_derr_set(&derr, rc, \"%s\", %s);",
                      type ? type : "", obj ? obj : "");
            emit_line(e, "    return srpc_call_bad_value(call, &derr, %zu, "
                      "\"%s\");", i, param->name);
            emit_line(e, "}");
        }
        free(dst);
        free(obj);
        free(type);
        return;
    }
    if (t->kind == IDL_STRING || t->kind == IDL_ANY)
        emit_line(e, "rc = %s(&args[%zu], srpc_call_arena(call), %s%s);",
                  t->getter, i, amp, param->name);
    else
        emit_line(e, "rc = %s(&args[%zu], %s%s);", t->getter, i, amp,
                  param->name);
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return srpc_call_bad_arg(call, rc, %zu, \"%s\", "
              "\"%s\");", i, param->name, t->name);
}

/* An optional argument: NULL when nil, else decoded (into the arena when
 * it is not a pointer type itself). */
static void emit_get_optional_arg(struct emit *e,
                                  const struct idl_param *param, size_t i)
{
    emit_line(e, "if (args[%zu].type != MSGPACK_OBJECT_NIL) {", i);
    e->indent++;
    if (arg_in_arena(param)) {
        emit_line(e, "%s = srpc_arena_alloc(srpc_call_arena(call), "
                  "sizeof *%s);", param->name, param->name);
        emit_line(e, "if (%s == NULL)", param->name);
        emit_line(e, "    return srpc_call_bad_arg(call, SRPC_ENOMEM, %zu, "
                  "\"%s\", \"%s\");", i, param->name, param->type.name);
    }
    emit_get_arg(e, param, i);
    e->indent--;
    emit_line(e, "}");
}

/* True when PROC returns a closed enum, whose value the dispatch checks
 * before it packs it. */
static bool closed_enum_result(const struct idl_proc *proc)
{
    return proc->result.type->kind == IDL_ENUM && !proc->result.edecl->open;
}

/* Refuses a value of a closed enum that is none of its values, as a
 * union's encoder refuses a tag that names no arm: the caller's stub
 * would fail with a type error that blames nobody. */
static void emit_enum_check(struct emit *e, const struct idl_proc *proc,
                            const char *value)
{
    char *type = gen_type_name(&proc->result);

    emit_line(e, "switch (%s) {", value);
    gen_enum_cases(e, proc->result.edecl);
    emit_line(e, "default:");
    /* An enum is an int32 on the wire, whatever C makes of it. */
    emit_line(e, "    srpc_derr_no_value(&derr, \"%s\", (int32_t)%s);",
              type ? type : "", value);
    emit_line(e, "    return srpc_call_bad_result(call, &derr);");
    emit_line(e, "}");
    e->oom |= type == NULL;
    free(type);
}

static void emit_locals(struct emit *e, const struct idl_iface *iface,
                        const struct idl_proc *proc)
{
    struct emit line;

    bool checked = gen_has_result(proc) && (gen_pack_checked(&proc->result)
                                            || closed_enum_result(proc));

    emit_line(e, "const struct " CNAME_OPS " *ops = impl;", iface->cname);
    for (size_t i = 0; i < proc->nparams; i++) {
        const struct idl_param *param = &proc->params[i];
        char *star = str_printf("*%s", param->name);

        emit_init(&line);
        if (star != NULL)
            gen_var(&line, &param->type,
                    arg_in_arena(param) ? star : param->name, ROLE_VALUE);
        emit_line(e, "%s%s;", emit_text(&line),
                  param->optional ? " = NULL" : "");
        e->oom |= line.oom || star == NULL;
        emit_free(&line);
        free(star);
        checked |= gen_decode_checked(&param->type);
    }
    if (gen_has_result(proc) && proc->result_optional) {
        /* Absent (nil) unless the handler points it somewhere. */
        emit_init(&line);
        gen_var(&line, &proc->result, "result", ROLE_OPT_PARAM);
        emit_line(e, "%s = NULL;", emit_text(&line));
        e->oom |= line.oom;
        emit_free(&line);
    } else if (gen_has_result(proc)) {
        /* Initialised: a handler that forgets to set it sends a defined
         * value (nil for a string), not stack garbage. */
        emit_init(&line);
        gen_var(&line, &proc->result, "result", ROLE_VALUE);
        emit_line(e, "%s = %s;", emit_text(&line),
                  gen_is_aggregate(&proc->result)
                      ? "{ 0 }" : proc->result.type->zero);
        e->oom |= line.oom;
        emit_free(&line);
    }
    if (checked)
        emit_line(e, "srpc_derr derr;");
    emit_line(e, "int rc;");
    emit_blank(e);
}

/* rc = ops->add(call, a, b, &result); */
static void emit_handler_call(struct emit *e, const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "rc = ops->%s(call", proc->name);
    for (size_t i = 0; i < proc->nparams; i++)
        emit_printf(&line, ", %s%s",
                    gen_is_aggregate(&proc->params[i].type)
                    && !proc->params[i].optional ? "&" : "",
                    proc->params[i].name);
    emit_printf(&line, "%s);", gen_has_result(proc) ? ", &result" : "");
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
}

static void emit_dispatch(const struct gen *g, struct emit *e,
                          const struct idl_iface *iface,
                          const struct idl_proc *proc, const char *prefix)
{
    struct emit line;

    emit_blank(e);
    gen_origin(g, e, proc);
    emit_init(&line);
    emit_printf(&line, "static int " CNAME_DISPATCH "(srpc_call *call, "
                "const void *impl, const msgpack_object *args, "
                "msgpack_packer *reply)", prefix, proc->name);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    emit_line(e, "{");
    e->indent++;
    emit_locals(e, iface, proc);
    if (proc->nparams == 0)
        emit_line(e, "(void)args; /* %s takes no arguments */", proc->name);
    emit_line(e, "if (ops->%s == NULL)", proc->name);
    emit_line(e, "    return srpc_call_not_implemented(call);");
    for (size_t i = 0; i < proc->nparams; i++) {
        if (proc->params[i].optional)
            emit_get_optional_arg(e, &proc->params[i], i);
        else
            emit_get_arg(e, &proc->params[i], i);
    }
    emit_handler_call(e, proc);
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return rc;");
    if (proc->oneway)
        emit_line(e, "/* The runtime sends no reply to a notification; "
                  "this nil answers\n     * a peer that called a oneway "
                  "procedure as a request. */");
    if (gen_has_result(proc) && proc->result_optional) {
        emit_line(e, "if (result == NULL) {");
        emit_line(e, "    msgpack_pack_nil(reply);");
        emit_line(e, "} else {");
        e->indent++;
        if (closed_enum_result(proc))
            emit_enum_check(e, proc, "*result");
        if (gen_pack_checked(&proc->result))
            gen_pack_checked_value(e, &proc->result, "reply", "result",
                                   true, "&derr",
                                   "srpc_call_bad_result(call, &derr)");
        else
            gen_pack(e, proc->result.type, "reply",
                     gen_ptr_kind(&proc->result) ? "result" : "*result");
        e->indent--;
        emit_line(e, "}");
    } else if (gen_has_result(proc) && gen_pack_checked(&proc->result)) {
        gen_pack_checked_value(e, &proc->result, "reply", "result", false,
                               "&derr", "srpc_call_bad_result(call, &derr)");
    } else {
        if (closed_enum_result(proc))
            emit_enum_check(e, proc, "result");
        gen_pack(e, proc->result.type, "reply", "result");
    }
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
}

/* NAME_fail: srpc_call_fail() with the enum of the procedure's codes. */
static void emit_fail(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface,
                      const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "int " CNAME_FAIL "(srpc_call *call, enum " CNAME_ENUM
                " code, const char *fmt, ...)", iface->cname, proc->name,
                proc->errors->prefix, proc->errors->name);
    emit_blank(e);
    gen_origin(g, e, proc);
    emit_wrapped(e, emit_text(&line));
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "va_list ap;");
    emit_line(e, "int rc;");
    emit_blank(e);
    emit_line(e, "va_start(ap, fmt);");
    /* The C enum may be unsigned: its values are int32s. */
    emit_line(e, "rc = srpc_call_vfail(call, (int32_t)code, fmt, ap);");
    emit_line(e, "va_end(ap);");
    emit_line(e, "return rc;");
    e->indent--;
    emit_line(e, "}");
    e->oom |= line.oom;
    emit_free(&line);
}

static void emit_tables(const struct gen *g, struct emit *e,
                        const struct idl_iface *iface, const char *prefix)
{
    const char *in = iface->name;
    const char *cn = iface->cname;
    struct emit line;

    emit_printf(e, "\n/* %s:%d: interface %s */\n", g->idl_name,
                iface->loc.first_line, in);
    emit_printf(e, "static const struct srpc_method " CNAME_METHODS
                "[] = {\n", cn);
    e->indent++;
    for (size_t i = 0; i < iface->nprocs; i++) {
        const struct idl_proc *proc = iface->procs[i];
        char *wire = wire_literal(iface, proc);

        if (wire == NULL)
            e->oom = true;
        else
            emit_line(e, "{ %s, %zu, " CNAME_DISPATCH " },", wire,
                      proc->nparams, prefix, proc->name);
        free(wire);
    }
    e->indent--;
    emit_printf(e, "};\n\n");
    emit_printf(e, "static const struct srpc_interface " CNAME_INTERFACE
                " = {\n", cn);
    emit_printf(e, "    \"%s\", " CNAME_METHODS ", sizeof " CNAME_METHODS
                " / sizeof " CNAME_METHODS "[0]\n};\n\n", in, cn, cn, cn);

    emit_printf(e, "/* %s:%d: registers the %s interface's handlers OPS on "
                "SERVER. */\n", g->idl_name, iface->loc.first_line, in);
    emit_init(&line);
    emit_printf(&line, "int " CNAME_SERVE "(srpc_server *server, "
                "const struct " CNAME_OPS " *ops, void *user_data)", cn, cn);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    emit_printf(e, "{\n    return srpc_server_register(server, &"
                CNAME_INTERFACE ", ops, user_data);\n}\n", cn);
}

static void emit_iface(const struct gen *g, struct emit *e,
                       const struct idl_iface *iface)
{
    char *prefix = dispatch_prefix(g->file, iface);

    if (prefix == NULL) {
        e->oom = true;
        return;
    }
    for (size_t i = 0; i < iface->nprocs; i++) {
        emit_dispatch(g, e, iface, iface->procs[i], prefix);
        if (iface->procs[i]->errors != NULL)
            emit_fail(g, e, iface, iface->procs[i]);
    }
    emit_tables(g, e, iface, prefix);
    free(prefix);
}

void gen_server(const struct gen *g, struct emit *e)
{
    gen_marker(g, e);
    emit_printf(e,
        "/*\n"
        " * %s_server.c - the server side of %s: a dispatch function per\n"
        " * procedure decodes the arguments, calls the application's handler\n"
        " * and packs its result; NAME_serve() registers an interface.\n"
        " */\n"
        "#include \"%s.h\"\n"
        "\n"
        "%s%s%s"
        "#include <sockrpc/codec.h>\n",
        g->base, g->idl_name, g->base,
        gen_file_raises(g->file) ? "#include <stdarg.h>\n" : "",
        gen_file_has_structs(g->file) ? "#include <string.h>\n" : "",
        gen_file_raises(g->file) || gen_file_has_structs(g->file)
            ? "\n" : "");
    gen_struct_codecs(g, e, true, false);
    gen_struct_codecs(g, e, false, true);
    for (size_t i = 0; i < g->file->nifaces; i++)
        emit_iface(g, e, g->file->ifaces[i]);
}
