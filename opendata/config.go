package opendata

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/opendata/tables"
)

// Config configures open-data publication.
type Config struct {
	// Dir is the releases root (TONGXING_OPENDATA_DIR; default
	// DefaultDirName in the data directory, next to the SQLite file).
	Dir string
	// K is the frequency threshold (TONGXING_OPENDATA_K, default 10, never
	// below 5).
	K int
	// Secret keys the cell-key perturbation (TONGXING_OPENDATA_SECRET, at
	// least 16 bytes; default derived from the server's secret key). It must
	// stay the same across releases: a new secret re-draws every cell's
	// noise, and averaging releases with different noise would wear it off.
	Secret []byte
	// Schedule is the time between builds (TONGXING_OPENDATA_INTERVAL,
	// default 24h; 0 builds only the first release).
	Schedule time.Duration
	// BaseURL is the site's external URL, e.g. https://data.example.org
	// (TONGXING_OPENDATA_BASE_URL, default TONGXING_PUBLIC_URL), used for
	// absolute URLs in JSON-LD, citations and the XLSX notes; empty keeps
	// them relative.
	BaseURL string
	// District is the division code to publish (TONGXING_OPENDATA_DISTRICT;
	// default the database's only district-level division).
	District string
	// Publisher names the publisher (TONGXING_OPENDATA_PUBLISHER, "中文 |
	// English"; default "<district>同行开放数据").
	Publisher dataset.Text
	// ChildDomains are the service-domain codes whose needs concern children
	// and are published district-wide only (TONGXING_OPENDATA_CHILD_DOMAINS,
	// comma-separated; default childcare,youth,education-aid).
	ChildDomains []string
	// ChildIndicators are indicator codes that count children
	// (TONGXING_OPENDATA_CHILD_INDICATORS; default children-served,students-aided).
	ChildIndicators []string
	// Location is the district's time zone (default China Standard Time).
	Location *time.Location
	// SigningKey signs every release's manifest (docs/opendata.md, "Signed
	// releases"): the PEM PKCS#8 Ed25519 private key at
	// TONGXING_OPENDATA_SIGNING_KEY, or by default one derived from the
	// server's secret key, so a server signs with a stable key without any
	// file. It prints as its public fingerprint only.
	SigningKey *signing.Key
	// Keep is how many of the newest releases keep their files
	// (TONGXING_OPENDATA_KEEP; default 0: every release keeps them). Older
	// releases keep their manifest and signatures and stay listed; the
	// latest and the one it is measured against are never pruned.
	Keep int
}

// secretLabel separates the derived cell-key secret from every other use
// of the server's secret key.
const secretLabel = "tongxing/opendata/cell-key/v1"

// DefaultDirName is the releases root beside the database file. It is not
// "opendata": run from a source checkout, that is this package's directory.
const DefaultDirName = "tongxing-opendata"

// LoadConfig reads the TONGXING_OPENDATA_* variables (getenv is os.Getenv
// outside tests). fallbackSecret (the server's TONGXING_SECRET_KEY) keys the
// perturbation when TONGXING_OPENDATA_SECRET is unset and the signing key
// when TONGXING_OPENDATA_SIGNING_KEY is unset; dataDir is where the
// releases go by default (the SQLite file's directory). Every bad variable
// is reported at once.
func LoadConfig(getenv func(string) string, fallbackSecret []byte, dataDir string) (Config, error) {
	c := Config{
		Dir:             filepath.Join(dataDir, DefaultDirName),
		K:               disclosure.DefaultK,
		Schedule:        24 * time.Hour,
		ChildDomains:    tables.DefaultChildDomains,
		ChildIndicators: tables.DefaultChildIndicators,
		Location:        calendar.Zone,
	}
	if dataDir == "" {
		c.Dir = DefaultDirName
	}
	var errs []error
	if v := getenv("TONGXING_OPENDATA_DIR"); v != "" {
		c.Dir = v
	}
	if v := getenv("TONGXING_OPENDATA_K"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < disclosure.MinK || k > 1000 {
			errs = append(errs, fmt.Errorf("TONGXING_OPENDATA_K=%q: want a whole number from %d to 1000", v, disclosure.MinK))
		} else {
			c.K = k
		}
	}
	switch v := getenv("TONGXING_OPENDATA_SECRET"); {
	case v != "" && len(v) < disclosure.MinSecretLen:
		errs = append(errs, fmt.Errorf("TONGXING_OPENDATA_SECRET: want at least %d characters", disclosure.MinSecretLen))
	case v != "":
		c.Secret = []byte(v)
	case len(fallbackSecret) > 0:
		m := hmac.New(sha256.New, fallbackSecret)
		m.Write([]byte(secretLabel))
		c.Secret = m.Sum(nil)
	default:
		errs = append(errs, errors.New("TONGXING_OPENDATA_SECRET is not set and there is no server secret key to derive it from"))
	}
	if v := getenv("TONGXING_OPENDATA_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case v == "0":
			c.Schedule = 0
		case err != nil || d < time.Minute:
			errs = append(errs, fmt.Errorf("TONGXING_OPENDATA_INTERVAL=%q: want a duration of at least 1m such as 24h, or 0 to build only the first release", v))
		default:
			c.Schedule = d
		}
	}
	base := getenv("TONGXING_OPENDATA_BASE_URL")
	if base == "" {
		base = getenv("TONGXING_PUBLIC_URL")
	}
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("TONGXING_OPENDATA_BASE_URL=%q: want an http(s) URL such as https://data.example.org", base))
		} else {
			c.BaseURL = strings.TrimRight(base, "/")
		}
	}
	if v := getenv("TONGXING_OPENDATA_DISTRICT"); v != "" {
		if _, err := strconv.Atoi(v); err != nil || len(v) != 6 {
			errs = append(errs, fmt.Errorf("TONGXING_OPENDATA_DISTRICT=%q: want a 6-digit division code such as 330411", v))
		} else {
			c.District = v
		}
	}
	if v := strings.TrimSpace(getenv("TONGXING_OPENDATA_PUBLISHER")); v != "" {
		zh, en, ok := strings.Cut(v, "|")
		if !ok {
			en = zh
		}
		c.Publisher = dataset.Text{Zh: strings.TrimSpace(zh), En: strings.TrimSpace(en)}
	}
	list := func(name string, dst *[]string) {
		if v := getenv(name); v != "" {
			var out []string
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
			*dst = out
		}
	}
	list("TONGXING_OPENDATA_CHILD_DOMAINS", &c.ChildDomains)
	list("TONGXING_OPENDATA_CHILD_INDICATORS", &c.ChildIndicators)
	if v := getenv("TONGXING_OPENDATA_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Errorf("TONGXING_OPENDATA_KEEP=%q: want how many of the newest releases keep their files (a whole number; 0 keeps all)", v))
		} else {
			c.Keep = n
		}
	}
	if v := getenv("TONGXING_OPENDATA_SIGNING_KEY"); v != "" {
		// The message names the file and what is wrong with it; never
		// anything read from it.
		k, err := signing.Load(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("TONGXING_OPENDATA_SIGNING_KEY=%q: %w", v, err))
		} else {
			c.SigningKey = k
		}
	} else if len(fallbackSecret) > 0 {
		c.SigningKey, _ = signing.Derive(fallbackSecret)
	} else {
		errs = append(errs, errors.New("TONGXING_OPENDATA_SIGNING_KEY is not set and there is no server secret key to derive the signing key from"))
	}
	return c, errors.Join(errs...)
}
