"""The web pages' defences (ASVS level 2): transport and cookies, the Content-Security-Policy and
other headers, sessions that end, throttled sign-in (django-axes and our own limits on the mails
we send), optional TOTP for the admin (django-otp), and how long a tracking link lives.

The transport settings are off by default so that `make run` works on http://127.0.0.1; a
deployment behind HTTPS turns them on (README "Security", "The web pages").
"""

from datetime import timedelta

from config.env import env

# --- Transport and cookies ----------------------------------------------------------------------
# HTTPS only: cookies marked Secure, HTTP redirected, and HSTS (seconds; 0 = none).
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a proxy that ends TLS and says so in X-Forwarded-Proto (only if it always sets it).
if env.bool("SECURE_PROXY_SSL", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# web.security.PermissionsPolicyMiddleware: no page needs these, but "use my location" (discover).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# --- Content-Security-Policy (django-csp 4) -----------------------------------------------------
# Scripts and styles only from our own static files: no inline script, style or handler.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Sessions ------------------------------------------------------------------------------------
# A session lasts at most SESSION_COOKIE_AGE and ends after SESSION_IDLE_TIMEOUT seconds
# without a request (web.security.SessionIdleTimeoutMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)

# --- Sign-in throttling ---------------------------------------------------------------------------
# django-axes: wrong passwords for one account from one address lock that pair out (never the
# account from everywhere) for AXES_COOLOFF_MINUTES; the lockout page says when to try again.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "web.throttling.sign_in_username"
AXES_LOCKOUT_CALLABLE = "web.throttling.locked_out"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_VERBOSE = False
# Sign-in links and password resets sent: per address and per client IP, in a sliding hour.
MAIL_REQUESTS_PER_ADDRESS_PER_HOUR = env.int("MAIL_REQUESTS_PER_ADDRESS_PER_HOUR", default=3)
MAIL_REQUESTS_PER_IP_PER_HOUR = env.int("MAIL_REQUESTS_PER_IP_PER_HOUR", default=20)

# --- The admin: a second factor ------------------------------------------------------------------
# With OTP_ENABLED, a staff member who has a confirmed TOTP device must give its code to reach
# /admin/ (devices are added in the admin, "TOTP devices").
OTP_ENABLED = env.bool("OTP_ENABLED", default=True)
OTP_TOTP_ISSUER = "Sunbeckn"

# --- Uploads ------------------------------------------------------------------------------------
# The most pixels an uploaded image may have (well below Pillow's decompression-bomb limit).
DOCUMENTS_MAX_IMAGE_PIXELS = env.int("DOCUMENTS_MAX_IMAGE_PIXELS", default=40_000_000)

# --- Tracking links ----------------------------------------------------------------------------
# A tracking link stops working this many days after its order is completed or cancelled.
TRACKING_LINK_DAYS_AFTER_CLOSE = env.int("TRACKING_LINK_DAYS_AFTER_CLOSE", default=30)
