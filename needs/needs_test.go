package needs

import (
	"testing"

	"github.com/tongxing/tongxing/ent/need"
)

func TestCanMove(t *testing.T) {
	tests := []struct {
		from, to need.Status
		want     bool
	}{
		{need.StatusOPEN, need.StatusMATCHED, true},
		{need.StatusOPEN, need.StatusRESOLVED, false},
		{need.StatusOPEN, need.StatusCLOSED, true},
		{need.StatusMATCHED, need.StatusRESOLVED, true},
		{need.StatusMATCHED, need.StatusOPEN, true},
		{need.StatusRESOLVED, need.StatusOPEN, false},
		{need.StatusRESOLVED, need.StatusCLOSED, true},
		{need.StatusCLOSED, need.StatusOPEN, false},
		{need.StatusCLOSED, need.StatusCLOSED, true},
	}
	for _, tt := range tests {
		if got := CanMove(tt.from, tt.to); got != tt.want {
			t.Errorf("CanMove(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}
