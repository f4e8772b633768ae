package server

import (
	"html/template"
	"net/http"
)

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>同行 Tongxing</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;line-height:1.6;color:#222}a{color:#b3261e}code{background:#f4f4f4;padding:0 .3em}</style>
</head><body>
<h1>同行 Tongxing</h1>
<p>专业社工 + 志愿服务 数据平台 · Professional social work + volunteer service data platform.</p>
<ul>
<li><a href="/graphiql">GraphiQL</a> — 交互式查询 API（interactive GraphQL IDE）</li>
<li><code>POST /graphql</code> — GraphQL API</li>
<li><a href="/opendata/">/opendata/</a> — 开放数据（open data）</li>
<li><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></li>
</ul>
</body></html>`))

func (s *Server) home(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = homePage.Execute(w, nil)
}

var openDataPage = template.Must(template.New("opendata").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>开放数据 Open data · 同行 Tongxing</title></head>
<body style="font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem">
<h1>开放数据 Open data</h1>
<p>尚未发布数据集。首个匿名汇总数据发布后，数据集、数据字典与下载链接将列于此页。</p>
<p>No dataset has been released yet. Once the first anonymised release is built, its datasets, data dictionary and downloads are listed here.</p>
</body></html>`))

// openDataPending answers /opendata/ until the open-data publisher serves
// real releases there.
func (s *Server) openDataPending(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/opendata/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = openDataPage.Execute(w, nil)
}
