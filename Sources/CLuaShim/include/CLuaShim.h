// CLuaShim: the only C DepotTwin writes. It exists because
//  - Lua's API has macros Swift cannot import (lua_pop, lua_pcall, lua_upvalueindex...);
//  - lua_error longjmps, and a longjmp must never cross a Swift frame (DESIGN.md, bridge rule 1),
//    so every raise happens here, after the Swift callback has returned;
//  - hooks and allocators must be plain C (bridge rule 3).
#ifndef CLUASHIM_H
#define CLUASHIM_H
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stddef.h>
#include <stdint.h>

/// Per-state bookkeeping shared by the allocator, the count hook and the trampolines. Opaque.
typedef struct dt_info dt_info;

/// Interrupt reasons latched by the count hook until the outermost protected call returns.
enum { DT_INTERRUPT_NONE = 0, DT_INTERRUPT_LIMIT = 1, DT_INTERRUPT_CANCELLED = 2 };

/// Return codes of a Swift callback besides a result count (>= 0).
enum {
  DT_RAISE_WHERE = -1,     ///< message on top; raise it with the Lua caller's "chunk:line: " prepended
  DT_RAISE_AS_IS = -2,     ///< message on top; raise it unchanged (already positioned)
  DT_RAISE_ARG_BASE = -3   ///< -3 - k: bad argument k; the reason ("number expected, got string") on top
};

/// The single Swift entry point for every Swift function exposed to Lua.
typedef int (*dt_callback)(lua_State *L, void *context);
/// Releases a Swift object held by a userdata (its __gc, or invalidation).
typedef void (*dt_release)(void *object);

void dt_set_callbacks(dt_callback call, dt_release release);

/// Creates a state with the limiting allocator and the count hook; NULL if out of memory.
lua_State *dt_newstate(void);
/// Closes the state (running every __gc) and frees its bookkeeping.
void dt_close(lua_State *L);
/// Bytes that closed states failed to free (a leak detector for tests), and how many were closed.
size_t dt_leaked_bytes(void);
size_t dt_closed_states(void);
/// Opens the standard libraries in protected mode and replaces pcall/xpcall/coroutine.resume by
/// versions that cannot swallow an instruction-limit or cancellation error. Returns a Lua status.
int dt_openlibs(lua_State *L);

dt_info *dt_getinfo(lua_State *L);
void dt_set_memory_limit(lua_State *L, size_t bytes);   ///< 0 = unlimited
size_t dt_memory_limit(lua_State *L);
size_t dt_memory_used(lua_State *L);
void dt_set_instruction_limit(lua_State *L, int64_t n); ///< per outermost call; 0 = unlimited
int64_t dt_instruction_limit(lua_State *L);
int dt_interrupt(lua_State *L);       ///< latched interrupt reason of the last/current call
int dt_memory_refused(lua_State *L);  ///< 1 if the allocator refused a block during the last call
void dt_set_max_nesting(lua_State *L, int depth);
/// Async-signal-safe and thread-safe: sets an atomic flag that the count hook checks.
void dt_cancel(dt_info *info);
void dt_clear_cancel(dt_info *info);
void *dt_get_extra(lua_State *L);
void dt_set_extra(lua_State *L, void *p);

/// lua_pcall with a message handler that appends a traceback; enforces limits for its duration.
int dt_pcall(lua_State *L, int nargs, int nresults);
/// Loads text only (binary chunks are refused), under the memory cap. Returns a Lua status.
int dt_load(lua_State *L, const char *buf, size_t len, const char *chunkname);

/// Pushes a Lua function that calls the Swift callback with `context` (kept alive by Swift).
void dt_pushfunction(lua_State *L, void *context, const char *name);

// Swift classes as userdata.
typedef struct dt_object { void *object; const void *type; uint64_t magic; } dt_object;
dt_object *dt_newobject(lua_State *L, void *object, const void *type);
dt_object *dt_toobject(lua_State *L, int idx);
/// Releases the Swift object now (host invalidation); later uses raise a clear error.
void dt_invalidate(lua_State *L, int idx);
/// Fills the metatable on top with __index/__newindex/__gc closures over getters, methods, setters.
void dt_setup_metatable(lua_State *L, int getters, int methods, int setters, const char *name);

// Macros as functions.
static inline int dt_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int dt_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void dt_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void dt_newtable(lua_State *L) { lua_newtable(L); }
static inline void dt_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void dt_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline void dt_replace(lua_State *L, int i) { lua_replace(L, i); }
static inline int dt_isnil(lua_State *L, int i) { return lua_isnil(L, i); }
static inline int dt_isnoneornil(lua_State *L, int i) { return lua_isnoneornil(L, i); }
static inline const char *dt_tostring(lua_State *L, int i, size_t *len) { return lua_tolstring(L, i, len); }
static inline double dt_tonumber(lua_State *L, int i, int *isnum) { return lua_tonumberx(L, i, isnum); }
static inline long long dt_tointeger(lua_State *L, int i, int *isnum) { return lua_tointegerx(L, i, isnum); }
static inline void dt_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline void dt_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline const char *dt_typename(lua_State *L, int i) { return luaL_typename(L, i); }
static inline void dt_gc_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }
/// Formats a number exactly as Lua's tostring does, without allocating in Lua.
int dt_number_to_string(lua_State *L, int idx, char *buf, size_t size);
#endif
