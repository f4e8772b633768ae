package certificates

import "html/template"

// The pages are self-contained: system fonts, inline CSS, the QR code as
// inline SVG — nothing is fetched from elsewhere (the Content-Security-Policy
// forbids it), so they work offline and leak the visit to no one.

// verifyView is what the verification page shows: the fields of
// Verification, formatted.
type verifyView struct {
	Number, Holder, Hours, PeriodStart, PeriodEnd, Issuer, IssuedOn string
	Valid                                                           bool
	RevokedOn                                                       string
}

// printView is the printable certificate.
type printView struct {
	Name, VolunteerNumber  string
	Number                 string
	From, To, FromZh, ToZh string
	Hours                  string
	RecordCount            int
	Content, Issuer        string
	Issued, IssuedZh       string
	VerifyURL, Code        string
	QR                     template.HTML
	Revoked                bool
	RevokedOn              string
}

const pageHead = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:40rem;margin:2.5rem auto;padding:0 1rem;line-height:1.6;color:#1d1d1d}
h1{font-size:1.45rem;margin:0 0 1.2rem}
.en{color:#555;font-size:.92em}
h1 .en{display:block;font-size:1rem;font-weight:normal}
.state{border-radius:.4rem;padding:.9rem 1.1rem;margin:0 0 1.4rem;border:2px solid}
.state strong{font-size:1.5rem;letter-spacing:.05em}
.valid{border-color:#1b7f3b;background:#eaf6ee;color:#11572a}
.revoked{border-color:#b3261e;background:#fdecea;color:#8c1d18}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.45rem 1.2rem;margin:0 0 1.4rem}
dt{font-weight:600}dd{margin:0}
.note{font-size:.9rem;color:#444;border-top:1px solid #ddd;padding-top:.8rem}
</style>`

var verifyPage = template.Must(template.New("verify").Parse(pageHead + `
<title>证明核验 Certificate verification · {{.Number}}</title></head>
<body><main>
<h1>志愿服务记录证明核验<span class="en">Volunteer service certificate verification</span></h1>
{{if .Valid}}<p class="state valid" role="status"><strong>✓ 有效 VALID</strong><br>
此证明真实有效，未被吊销。<span class="en">This certificate is genuine and has not been revoked.</span></p>
{{else}}<p class="state revoked" role="status"><strong>✗ 已吊销 REVOKED</strong><br>
此证明已于 {{.RevokedOn}} 吊销，不再有效。<span class="en">This certificate was revoked on {{.RevokedOn}} and is no longer valid.</span></p>
{{end}}<dl>
<dt>证明编号 <span class="en">Number</span></dt><dd>{{.Number}}</dd>
<dt>持有人 <span class="en">Holder</span></dt><dd>{{.Holder}}</dd>
<dt>服务时长 <span class="en">Hours</span></dt><dd>{{.Hours}} 小时 <span class="en">hours</span></dd>
<dt>统计期 <span class="en">Period</span></dt><dd>{{.PeriodStart}} 至 <span class="en">to</span> {{.PeriodEnd}}</dd>
<dt>出具单位 <span class="en">Issuer</span></dt><dd>{{.Issuer}}</dd>
<dt>出具日期 <span class="en">Issued on</span></dt><dd>{{.IssuedOn}}</dd>
</dl>
<p class="note">为保护志愿者个人信息，本页仅显示核验所需的内容；持有人全名以证明原件为准，请与原件核对编号、时长与统计期。<br>
<span class="en">To protect the volunteer's personal data this page shows only what is needed to check the certificate. Compare the number,
hours and period with the paper certificate, which carries the holder's full name.</span></p>
</main></body></html>
`))

var notFoundPage = template.Must(template.New("notfound").Parse(pageHead + `
<title>未找到 Not found</title></head>
<body><main>
<h1>未找到证明<span class="en">Certificate not found</span></h1>
<p class="state revoked" role="status"><strong>✗ 无法核验 NOT VERIFIED</strong><br>
没有与此核验码或编号对应的证明，或无权查看。请核对后重试。<span class="en">No certificate matches this code or number, or you may not view it. Check it and try again.</span></p>
</main></body></html>
`))

var messagePage = template.Must(template.New("message").Parse(pageHead + `
<title>同行 Tongxing</title></head>
<body><main><h1>同行 Tongxing</h1><p>{{.}}</p></main></body></html>
`))

var errorPage = template.Must(template.New("error").Parse(pageHead + `
<title>服务器内部错误 Internal error</title></head>
<body><main><h1>服务器内部错误<span class="en">Internal error</span></h1>
<p>请稍后重试；如需报告，请提供请求编号 <code>{{.}}</code>。<span class="en">Please try again later; quote request id <code>{{.}}</code> when reporting it.</span></p>
</main></body></html>
`))

var printPage = template.Must(template.New("print").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<title>志愿服务记录证明 {{.Number}}</title>
<style>
@page{size:A4 portrait;margin:18mm 20mm}
*{box-sizing:border-box}
html{background:#e9e9e9}
body{margin:0;color:#000;font-family:"Songti SC","STSong","SimSun","Noto Serif CJK SC","Source Han Serif SC",serif;font-size:12pt;line-height:1.75}
.sheet{position:relative;width:210mm;min-height:297mm;margin:8mm auto;padding:18mm 20mm;background:#fff;box-shadow:0 0 3mm rgba(0,0,0,.25);overflow:hidden}
.en{font-family:Georgia,"Times New Roman",serif;font-size:10pt;color:#333}
h1{text-align:center;font-size:24pt;letter-spacing:.4em;margin:6mm 0 0;font-weight:bold}
.subtitle{text-align:center;margin:0 0 8mm;font-size:12pt;letter-spacing:.08em}
.no{text-align:right;font-size:10.5pt;margin:0 0 6mm}
.body{text-indent:2em;margin:0 0 3mm}
.body.en{text-indent:0;margin-bottom:6mm}
table{width:100%;border-collapse:collapse;margin:0 0 8mm}
th,td{border:1px solid #000;padding:2.5mm 3mm;vertical-align:top;text-align:left}
th{width:32mm;font-weight:bold;white-space:nowrap}
th .en{display:block;font-weight:normal;font-size:9pt}
.foot{display:flex;gap:6mm;align-items:flex-start;break-inside:avoid;page-break-inside:avoid}
.qr{width:32mm;height:32mm;flex:none}
.verify{flex:1;font-size:10pt;line-height:1.5}
.verify p{margin:0 0 2mm}
.url{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:8.5pt;word-break:break-all}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:.08em}
.seal{width:58mm;flex:none;text-align:center;font-size:11pt;line-height:1.6}
.seal .issuer{margin-top:14mm}
.legal{margin-top:10mm;font-size:9.5pt;color:#222;border-top:1px solid #999;padding-top:3mm}
.banner{border:3px solid #b3261e;color:#b3261e;font-weight:bold;text-align:center;padding:2mm;margin:0 0 4mm;font-size:14pt}
.watermark{position:absolute;top:120mm;left:0;right:0;text-align:center;font-size:54pt;font-weight:bold;color:rgba(179,38,30,.22);transform:rotate(-28deg);pointer-events:none}
.screen{font-family:system-ui,sans-serif;font-size:10pt;color:#555;margin-top:6mm}
@media print{html{background:none}.sheet{width:auto;min-height:0;margin:0;padding:0;box-shadow:none;overflow:visible}.screen{display:none}
.banner,.watermark{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
</style></head>
<body><div class="sheet">
{{if .Revoked}}<p class="banner">已吊销 REVOKED — 此证明已于 {{.RevokedOn}} 吊销，不再有效 (revoked on {{.RevokedOn}}; no longer valid)</p>
<div class="watermark" aria-hidden="true">已吊销 REVOKED</div>{{end}}
<h1>志愿服务记录证明</h1>
<p class="subtitle en">Certificate of Volunteer Service</p>
<p class="no">证明编号 <span class="en">No.</span> {{.Number}}</p>
<p class="body">兹证明 <strong>{{.Name}}</strong>{{if .VolunteerNumber}}（志愿者编号 {{.VolunteerNumber}}）{{end}}于 {{.FromZh}} 至 {{.ToZh}} 期间参加志愿服务，经记录单位核实的志愿服务时长累计 <strong>{{.Hours}} 小时</strong>（{{.RecordCount}} 条服务记录）。</p>
<p class="body en">This is to certify that <strong>{{.Name}}</strong>{{if .VolunteerNumber}} (volunteer no. {{.VolunteerNumber}}){{end}} performed volunteer service from {{.From}} to {{.To}}. The service time verified by the recording organisations totals <strong>{{.Hours}} hours</strong> ({{.RecordCount}} service records).</p>
<table>
<tr><th>服务内容<span class="en">Service</span></th><td>{{.Content}}</td></tr>
<tr><th>出具单位<span class="en">Issued by</span></th><td>{{.Issuer}}</td></tr>
<tr><th>出具日期<span class="en">Date of issue</span></th><td>{{.IssuedZh}} <span class="en">({{.Issued}})</span></td></tr>
</table>
<div class="foot">
<div class="qr">{{.QR}}</div>
<div class="verify">
<p>扫描二维码或访问以下网址核验本证明：<br><span class="en">Scan the QR code or visit this address to verify this certificate:</span></p>
<p class="url">{{.VerifyURL}}</p>
<p>核验码 <span class="en">Verification code</span>：<strong class="code">{{.Code}}</strong></p>
</div>
<div class="seal">出具单位（盖章）<br><span class="en">Issuing organisation (seal)</span>
<div class="issuer">{{.Issuer}}<br>{{.IssuedZh}}</div></div>
</div>
<p class="legal">本证明依据《志愿服务记录与证明出具办法（试行）》免费出具，所载时长为统计期内经记录单位核实的志愿服务记录之和（谁记录谁证明）。<br>
<span class="en">Issued free of charge under the Measures for Volunteer Service Records and Certificates (trial). The hours are the sum of the
service records in the period that the recording organisations verified.</span></p>
<p class="screen">打印：使用浏览器的“打印”功能（Ctrl+P / ⌘P），A4 纵向。<span class="en">To print, use the browser's Print (Ctrl+P / ⌘P), A4 portrait.</span></p>
</div></body></html>
`))
