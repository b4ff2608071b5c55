/* The userauth banner.  See userauth_banner.h. */
#include "sshd/userauth_banner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshd/mon_client.h"

int userauth_banner_send(struct conn *c)
{
	char *text = NULL;
	size_t len = 0;

	if (c == NULL)
		return -EINVAL;
	/* no question to the monitor when there is nothing to ask for; with Match blocks
	 * there may be (only the monitor applies them) */
	if (c->cfg == NULL || (!c->cfg->has_match && (c->cfg->banner == NULL ||
						      strcasecmp(c->cfg->banner, "none") == 0)))
		return 0;
	int rc = mon_banner(c->mon, &text, &len);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION, "monitor: %s",
				       strerror(-rc));
	if (len == 0)
		return 0;
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Banner);
	m.u.Auth_Banner.message = (struct mpl_bytes){ (const uint8_t *)text, len };
	m.u.Auth_Banner.language = MPL_LIT("");
	/* a reply like the answer it precedes: held, in order, through a key exchange */
	rc = conn_send_reply(c, &m, NULL);
	free(text);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot send the banner: %s", strerror(-rc));
	return 0;
}
