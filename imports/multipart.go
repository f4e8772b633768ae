package imports

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/tongxing/tongxing/apierror"
)

var errNoFilePart = apierror.Invalid("file", "表单中没有名为 file 的文件 (the form has no part named file)")

func multipartReader(r *http.Request, params map[string]string) (*multipart.Reader, error) {
	boundary := params["boundary"]
	if boundary == "" {
		return nil, apierror.Invalid("file", "multipart 表单缺少 boundary (the multipart form has no boundary)")
	}
	return multipart.NewReader(r.Body, boundary), nil
}

// nextFilePart is the form's part named "file", read as a stream (never
// buffered by the form parser).
func nextFilePart(mr *multipart.Reader) (*multipart.Part, error) {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errNoFilePart
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return nil, err
			}
			return nil, apierror.Invalid("file", "multipart 表单格式错误 (the multipart form is malformed)")
		}
		if part.FormName() == "file" {
			return part, nil
		}
	}
}
