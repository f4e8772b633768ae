package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/tongxing/tongxing/server"
)

// healthcheck asks the server on TONGXING_ADDR whether it is ready
// (/readyz: it answers and reaches its database). The image has no shell
// and no curl, so its HEALTHCHECK and the compose file's call this.
func healthcheck(ctx context.Context, cfg server.Config) error {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("healthcheck: TONGXING_ADDR %q: %w", cfg.Addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port) + "/readyz"
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err) // names the URL and the reason
	}
	rsp.Body.Close()
	if rsp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, rsp.Status)
	}
	return nil
}
