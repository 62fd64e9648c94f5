/*
 * The shared-object loader. Plugins load only from configured directories:
 * a file name with a path in it is refused, so a config file cannot point
 * the loader at arbitrary code. RTLD_NOW surfaces unresolved symbols here,
 * with the file named, instead of at the first call; RTLD_LOCAL keeps one
 * plugin's symbols from satisfying another's.
 */
#include "alx_diag.h"
#include "alx_registry.h"
#include "alx_runtime.h"
#include "runtime_internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* "dir/file" through the runtime's allocator; NULL when out of memory. */
static char *join_path(struct alx_runtime *rt, const char *dir,
		       const char *file)
{
	size_t dn = strlen(dir), fn = strlen(file);
	while (dn > 1 && dir[dn - 1] == '/')
		dn--;
	char *path = alx_malloc(rt, dn + 1 + fn + 1);
	if (path == NULL)
		return NULL;
	memcpy(path, dir, dn);
	path[dn] = '/';
	memcpy(path + dn + 1, file, fn + 1);
	return path;
}

/* "plugin file 'x.so' not found in plugin_dirs [a, b]", built in place. */
static int not_found(alopex_diag *diag, const char *const *dirs,
		     size_t dir_count, const char *file)
{
	alx_diag_set(diag, ALOPEX_ENOTFOUND, NULL,
		     "plugin file '%s' not found in plugin_dirs [", file);
	if (diag == NULL)
		return ALOPEX_ENOTFOUND;
	size_t size = sizeof(diag->message);
	size_t n = strlen(diag->message);
	for (size_t i = 0; i < dir_count && n < size; i++) {
		int m = snprintf(diag->message + n, size - n, "%s%s",
				 i ? ", " : "", dirs[i] ? dirs[i] : "(null)");
		n += m > 0 ? (size_t)m : 0;
	}
	if (n < size)
		snprintf(diag->message + n, size - n, "]");
	if (n + 1 >= size)
		memcpy(diag->message + size - 4, "...", 4);
	return ALOPEX_ENOTFOUND;
}

static int check_file_name(const char *file, alopex_diag *diag)
{
	if (file == NULL || file[0] == '\0')
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "plugin file name is empty");
	if (strchr(file, '/') != NULL || strstr(file, "..") != NULL)
		return alx_diag_set(diag, ALOPEX_EINVAL, NULL,
				    "plugin file '%s' must be a bare file name "
				    "without '/' or '..': plugins load only "
				    "from plugin_dirs",
				    file);
	return 0;
}

int alx_registry_load(struct alx_registry *reg, const char *const *dirs,
		      size_t dir_count, const char *file, alopex_diag *diag)
{
	struct alx_runtime *rt = alx_registry_runtime(reg);
	char *path = NULL;
	void *handle = NULL;
	int rc;

	if ((rc = check_file_name(file, diag)) != 0)
		return rc;
	for (size_t i = 0; i < dir_count && path == NULL; i++) {
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		path = join_path(rt, dirs[i], file);
		if (path == NULL)
			return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
					    "out of memory loading plugin "
					    "file '%s'",
					    file);
		struct stat st;
		if (stat(path, &st) != 0) {
			int err = errno;
			alx_free(rt, path);
			path = NULL;
			/* A missing file means "try the next directory";
			 * anything else is worth reporting as it is. */
			if (err != ENOENT && err != ENOTDIR)
				return alx_diag_set(diag, ALOPEX_EIO, NULL,
						    "%s/%s: %s", dirs[i], file,
						    strerror(err));
		}
	}
	if (path == NULL)
		return not_found(diag, dirs, dir_count, file);

	dlerror(); /* clear a stale error */
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		const char *why = dlerror();
		rc = alx_diag_set(diag, ALOPEX_EABI, NULL,
				  "%s: cannot load plugin: %s", path,
				  why ? why : "unknown dlopen error");
		goto fail;
	}
	dlerror();
	void *sym = dlsym(handle, ALOPEX_PLUGIN_ENTRY_SYMBOL);
	if (sym == NULL) {
		const char *why = dlerror();
		rc = alx_diag_set(diag, ALOPEX_EABI, NULL,
				  "%s: not an Alopex plugin: no entry point "
				  "'%s' (%s)",
				  path, ALOPEX_PLUGIN_ENTRY_SYMBOL,
				  why ? why : "symbol is NULL");
		goto fail;
	}
	/* POSIX guarantees data and function pointers convert via dlsym. */
	alopex_plugin_entry_fn entry;
	memcpy(&entry, &sym, sizeof(entry));
	const struct alopex_plugin *p = entry();
	if ((rc = alx_registry_add_handle(reg, p, path, handle, diag)) != 0)
		goto fail;
	alx_log(rt, ALOPEX_LOG_DEBUG, "plugins",
		"loaded %s plugin '%s' from %s",
		alx_plugin_kind_name((int)p->kind), p->name, path);
	alx_free(rt, path);
	return 0;

fail:
	if (handle != NULL)
		dlclose(handle);
	alx_free(rt, path);
	return rc;
}
