package webhooks

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Config configures delivery.
type Config struct {
	// AllowPrivate lets subscribers' URLs point at loopback, private and
	// reserved addresses (TONGXING_WEBHOOK_ALLOW_PRIVATE, default false): for
	// a receiver inside the server's own network, or tests. Off, such URLs
	// are refused when registered and such connections when delivering.
	AllowPrivate bool
	// MaxAttempts bounds the attempts of one delivery
	// (TONGXING_WEBHOOK_MAX_ATTEMPTS, default 10, 1–20); after the last
	// failure it is FAILED.
	MaxAttempts int
	// RetryBase is the wait after the first failure
	// (TONGXING_WEBHOOK_RETRY_BASE, default 30s); it doubles with every
	// further failure up to RetryMax, and each wait is drawn at random
	// between half of it and all of it (jitter), so receivers that come
	// back are not hit by every sender at once.
	RetryBase time.Duration
	// RetryMax caps one wait (default 6h).
	RetryMax time.Duration
	// Timeout bounds one attempt, connection to answer
	// (TONGXING_WEBHOOK_TIMEOUT, default 10s).
	Timeout time.Duration
	// Poll is how often the worker looks for deliveries that are due
	// (default 5s); a publication in the same process wakes it at once.
	Poll time.Duration
}

// Defaults of Config.
const (
	DefaultMaxAttempts = 10
	DefaultRetryBase   = 30 * time.Second
	DefaultRetryMax    = 6 * time.Hour
	DefaultTimeout     = 10 * time.Second
	DefaultPoll        = 5 * time.Second
)

// WithDefaults fills zero fields with their defaults.
func (c Config) WithDefaults() Config {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.RetryBase <= 0 {
		c.RetryBase = DefaultRetryBase
	}
	if c.RetryMax <= 0 {
		c.RetryMax = DefaultRetryMax
	}
	if c.RetryMax < c.RetryBase {
		c.RetryMax = c.RetryBase
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Poll <= 0 {
		c.Poll = DefaultPoll
	}
	return c
}

// LoadConfig reads the TONGXING_WEBHOOK_* variables (getenv is os.Getenv
// outside tests), reporting every bad one at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	var c Config
	var errs []error
	if v := getenv("TONGXING_WEBHOOK_ALLOW_PRIVATE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("TONGXING_WEBHOOK_ALLOW_PRIVATE=%q: want true or false", v))
		}
		c.AllowPrivate = b
	}
	if v := getenv("TONGXING_WEBHOOK_MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20 {
			errs = append(errs, fmt.Errorf("TONGXING_WEBHOOK_MAX_ATTEMPTS=%q: want a whole number from 1 to 20", v))
		}
		c.MaxAttempts = n
	}
	duration := func(name string, dst *time.Duration, least, most time.Duration) {
		v := getenv(name)
		if v == "" {
			return
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < least || d > most {
			errs = append(errs, fmt.Errorf("%s=%q: want a duration from %v to %v", name, v, least, most))
			return
		}
		*dst = d
	}
	duration("TONGXING_WEBHOOK_RETRY_BASE", &c.RetryBase, time.Second, time.Hour)
	duration("TONGXING_WEBHOOK_TIMEOUT", &c.Timeout, time.Second, 2*time.Minute)
	return c.WithDefaults(), errors.Join(errs...)
}
