"""Sign-in for installer members and homeowners, and the e-mail that carries reset links."""

from config.env import env

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account-home"
LOGOUT_REDIRECT_URL = "/"

# consolemail:// prints mails to the server log; smtp+tls://user:password@host:587 sends them.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sunbeckn <no-reply@sunbeckn.local>")
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
# django-axes' backend first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "config.auth.EmailBackend"]
