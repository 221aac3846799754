// See CLuaShim.h for why this file exists. Everything that can longjmp lives here.
#include "CLuaShim.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define DT_HOOK_INTERVAL 1000
#define DT_OBJECT_MAGIC 0x44546f626a656374ULL /* "DTobject" */

struct dt_info {
  size_t used, cap;
  int enforce;          // >0 while Lua code runs: the cap never fires inside a Swift frame
  int memory_refused;
  int64_t limit, budget;
  int interrupt;
  int depth;            // nesting of dt_pcall
  int nesting, max_nesting; // Lua -> Swift -> Lua nesting through the trampoline
  int closing;          // lua_close is running: Swift is being deinitialized, do not call into it
  atomic_int cancel;
};

static dt_callback dt_call_swift = NULL;
static atomic_size_t dt_leaked = 0;   // bytes still allocated by states after lua_close (should be 0)
static atomic_size_t dt_closed = 0;

size_t dt_leaked_bytes(void) { return atomic_load(&dt_leaked); }
size_t dt_closed_states(void) { return atomic_load(&dt_closed); }
static dt_release dt_release_swift = NULL;

void dt_set_callbacks(dt_callback call, dt_release release) {
  dt_call_swift = call;
  dt_release_swift = release;
}

static void *dt_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  dt_info *i = (dt_info *)ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    i->used -= old;
    free(ptr);
    return NULL;
  }
  if (i->cap && i->enforce > 0 && nsize > old && i->used - old + nsize > i->cap) {
    i->memory_refused = 1;
    return NULL;
  }
  void *n = realloc(ptr, nsize);
  if (n == NULL) return NULL;
  i->used = i->used - old + nsize;
  return n;
}

dt_info *dt_getinfo(lua_State *L) {
  void *ud = NULL;
  lua_getallocf(L, &ud);
  return (dt_info *)ud;
}

static void dt_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  dt_info *i = dt_getinfo(L);
  if (i->interrupt == DT_INTERRUPT_NONE) {
    if (atomic_exchange(&i->cancel, 0)) i->interrupt = DT_INTERRUPT_CANCELLED;
    else if (i->limit > 0) {
      i->budget -= DT_HOOK_INTERVAL;
      if (i->budget <= 0) i->interrupt = DT_INTERRUPT_LIMIT;
    }
  }
  if (i->interrupt != DT_INTERRUPT_NONE) {
    // Level 0 inside a count hook is the running Lua function: name its chunk and line.
    luaL_where(L, 0);
    if (i->interrupt == DT_INTERRUPT_CANCELLED) lua_pushliteral(L, "cancelled");
    else lua_pushfstring(L, "instruction limit exceeded (%I instructions)", (lua_Integer)i->limit);
    lua_concat(L, 2);
    lua_error(L);
  }
}

static int dt_panic(lua_State *L) {
  const char *m = lua_tostring(L, -1);
  fprintf(stderr, "LuaHost: unprotected Lua error (bridge rule violated): %s\n", m ? m : "?");
  abort();
}

lua_State *dt_newstate(void) {
  dt_info *i = calloc(1, sizeof(dt_info));
  if (!i) return NULL;
  atomic_init(&i->cancel, 0);
  i->max_nesting = 40;
  lua_State *L = lua_newstate(dt_alloc, i);
  if (!L) { free(i); return NULL; }
  lua_atpanic(L, dt_panic);
  lua_sethook(L, dt_hook, LUA_MASKCOUNT, DT_HOOK_INTERVAL);
  return L;
}

void dt_close(lua_State *L) {
  dt_info *i = dt_getinfo(L);
  i->enforce = 0;
  i->closing = 1;
  lua_close(L);
  atomic_fetch_add(&dt_leaked, i->used);
  atomic_fetch_add(&dt_closed, 1);
  free(i);
}

void dt_set_memory_limit(lua_State *L, size_t bytes) { dt_getinfo(L)->cap = bytes; }
size_t dt_memory_limit(lua_State *L) { return dt_getinfo(L)->cap; }
size_t dt_memory_used(lua_State *L) { return dt_getinfo(L)->used; }
void dt_set_instruction_limit(lua_State *L, int64_t n) { dt_getinfo(L)->limit = n; }
int64_t dt_instruction_limit(lua_State *L) { return dt_getinfo(L)->limit; }
int dt_interrupt(lua_State *L) { return dt_getinfo(L)->interrupt; }
int dt_memory_refused(lua_State *L) { return dt_getinfo(L)->memory_refused; }
void dt_set_max_nesting(lua_State *L, int depth) { dt_getinfo(L)->max_nesting = depth; }
void dt_cancel(dt_info *info) { atomic_store(&info->cancel, 1); }
void dt_clear_cancel(dt_info *info) { atomic_store(&info->cancel, 0); }
void *dt_get_extra(lua_State *L) { return *(void **)lua_getextraspace(L); }
void dt_set_extra(lua_State *L, void *p) { *(void **)lua_getextraspace(L) = p; }

// Message handler: appends a traceback. It never calls __tostring on error objects: a plugin's
// __tostring could loop or raise while the host is reporting its error.
static int dt_msgh(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (lua_isnoneornil(L, 1)) msg = "nil error";
    else msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int dt_pcall(lua_State *L, int nargs, int nresults) {
  dt_info *i = dt_getinfo(L);
  if (i->depth == 0) {
    i->interrupt = DT_INTERRUPT_NONE;
    i->budget = i->limit;
    i->memory_refused = 0;
    i->nesting = 0;
  }
  int base = lua_gettop(L) - nargs;  // index of the function
  lua_pushcfunction(L, dt_msgh);
  lua_insert(L, base);
  i->depth++;
  int saved = i->enforce;
  i->enforce = 1;
  int status = lua_pcall(L, nargs, nresults, base);
  i->enforce = saved;
  i->depth--;
  lua_remove(L, base);
  return status;
}

int dt_load(lua_State *L, const char *buf, size_t len, const char *chunkname) {
  dt_info *i = dt_getinfo(L);
  if (i->depth == 0) i->memory_refused = 0;
  int saved = i->enforce;
  i->enforce = 1;
  int status = luaL_loadbufferx(L, buf, len, chunkname, "t");
  i->enforce = saved;
  return status;
}

// Lua's luaL_argerror, but falling back to the registered name when the call site has none.
static int dt_argerror(lua_State *L, int arg, const char *reason) {
  lua_Debug ar;
  const char *name = lua_tostring(L, lua_upvalueindex(2));
  if (lua_getstack(L, 0, &ar)) {
    lua_getinfo(L, "n", &ar);
    if (ar.namewhat && strcmp(ar.namewhat, "method") == 0) {
      arg--;
      if (arg == 0) return luaL_error(L, "calling '%s' on bad self (%s)", ar.name, reason);
    }
    if (ar.name) name = ar.name;
  }
  return luaL_error(L, "bad argument #%d to '%s' (%s)", arg, name ? name : "?", reason);
}

// Like luaL_where(L, 1), but skips C frames (a getter called by __index, a function called by
// pcall) so the message names the Lua line that caused it.
static void dt_where(lua_State *L) {
  lua_Debug ar;
  for (int level = 1; level < 8 && lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline > 0) {
      lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
      return;
    }
  }
  lua_pushliteral(L, "");
}

static int dt_trampoline(lua_State *L) {
  dt_info *i = dt_getinfo(L);
  // A Lua __gc run by lua_close must not reach a LuaState in the middle of its deinit.
  if (i->closing) return luaL_error(L, "the Lua state is closing");
  if (i->nesting >= i->max_nesting)
    return luaL_error(L, "too many nested calls between Lua and Swift (limit %d)", i->max_nesting);
  void *ctx = lua_touserdata(L, lua_upvalueindex(1));
  int saved = i->enforce;
  i->enforce = 0;
  i->nesting++;
  int n = dt_call_swift(L, ctx);
  i->nesting--;
  i->enforce = saved;
  if (n >= 0) return n;
  // The Swift frame has returned: raising here unwinds only Lua and C frames.
  if (n == DT_RAISE_WHERE) {
    dt_where(L);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
  }
  if (n == DT_RAISE_AS_IS) return lua_error(L);
  return dt_argerror(L, DT_RAISE_ARG_BASE - n, lua_tostring(L, -1));
}

void dt_pushfunction(lua_State *L, void *context, const char *name) {
  lua_pushlightuserdata(L, context);
  lua_pushstring(L, name);
  lua_pushcclosure(L, dt_trampoline, 2);
}

// pcall/xpcall/coroutine.resume that re-raise once the hook has latched an interrupt, so
// `while true do pcall(function() while true do end end) end` still stops.
static int dt_finishpcall(lua_State *L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    if (dt_getinfo(L)->interrupt != DT_INTERRUPT_NONE) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - (int)extra;
}

static int dt_lua_pcall(lua_State *L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, dt_finishpcall);
  return dt_finishpcall(L, status, 0);
}

static int dt_lua_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, dt_finishpcall);
  return dt_finishpcall(L, status, 2);
}

static int dt_lua_resume(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  if (dt_getinfo(L)->interrupt != DT_INTERRUPT_NONE && lua_toboolean(L, 1) == 0) {
    lua_settop(L, 2);
    return lua_error(L);
  }
  return lua_gettop(L);
}

static int dt_openlibs_body(lua_State *L) {
  luaL_openlibs(L);
  lua_pushcfunction(L, dt_lua_pcall);
  lua_setglobal(L, "pcall");
  lua_pushcfunction(L, dt_lua_xpcall);
  lua_setglobal(L, "xpcall");
  lua_getglobal(L, "coroutine");
  lua_getfield(L, -1, "resume");
  lua_pushcclosure(L, dt_lua_resume, 1);
  lua_setfield(L, -2, "resume");
  lua_pop(L, 1);
  return 0;
}

int dt_openlibs(lua_State *L) {
  lua_pushcfunction(L, dt_openlibs_body);
  return dt_pcall(L, 0, 0);
}

dt_object *dt_newobject(lua_State *L, void *object, const void *type) {
  dt_object *o = (dt_object *)lua_newuserdatauv(L, sizeof(dt_object), 0);
  o->object = object;
  o->type = type;
  o->magic = DT_OBJECT_MAGIC;
  return o;
}

dt_object *dt_toobject(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TUSERDATA || lua_rawlen(L, idx) != sizeof(dt_object)) return NULL;
  dt_object *o = (dt_object *)lua_touserdata(L, idx);
  return o->magic == DT_OBJECT_MAGIC ? o : NULL;
}

void dt_invalidate(lua_State *L, int idx) {
  dt_object *o = dt_toobject(L, idx);
  if (o && o->object) {
    void *p = o->object;
    o->object = NULL;
    dt_release_swift(p);
  }
}

static int dt_object_gc(lua_State *L) {
  dt_invalidate(L, 1);
  return 0;
}

// __index: getters (called with self) first, then methods; raw gets only.
static int dt_object_index(lua_State *L) {
  lua_settop(L, 2);
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) {
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    return 1;
  }
  lua_pop(L, 1);
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(2));
  return 1;
}

static int dt_object_newindex(lua_State *L) {
  lua_settop(L, 3);
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL) {
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
    return luaL_error(L, "cannot set field '%s' of %s (no such writable field)", key,
                      lua_tostring(L, lua_upvalueindex(2)));
  }
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 3);
  lua_call(L, 2, 0);
  return 0;
}

void dt_setup_metatable(lua_State *L, int getters, int methods, int setters, const char *name) {
  int mt = lua_gettop(L);
  getters = lua_absindex(L, getters);
  methods = lua_absindex(L, methods);
  setters = lua_absindex(L, setters);
  lua_pushvalue(L, getters);
  lua_pushvalue(L, methods);
  lua_pushcclosure(L, dt_object_index, 2);
  lua_setfield(L, mt, "__index");
  lua_pushvalue(L, setters);
  lua_pushstring(L, name);
  lua_pushcclosure(L, dt_object_newindex, 2);
  lua_setfield(L, mt, "__newindex");
  lua_pushcfunction(L, dt_object_gc);
  lua_setfield(L, mt, "__gc");
  lua_pushstring(L, name);
  lua_setfield(L, mt, "__name");
  lua_pushboolean(L, 0);
  lua_setfield(L, mt, "__metatable");
}

int dt_number_to_string(lua_State *L, int idx, char *buf, size_t size) {
  if (lua_isinteger(L, idx)) return snprintf(buf, size, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
  int n = snprintf(buf, size, LUA_NUMBER_FMT, (LUAI_UACNUMBER)lua_tonumber(L, idx));
  if (n > 0 && (size_t)n < size - 2 && buf[strspn(buf, "-0123456789")] == '\0') {
    buf[n++] = '.'; buf[n++] = '0'; buf[n] = '\0';  // looks like an int: add '.0' as Lua does
  }
  return n;
}
