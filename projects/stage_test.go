package projects

import (
	"testing"

	"github.com/tongxing/tongxing/ent/project"
)

func TestCanMove(t *testing.T) {
	allowed := map[[2]project.Stage]bool{
		{project.StageDESIGN, project.StageSHOWCASE}:           true,
		{project.StageSHOWCASE, project.StageIMPLEMENTATION}:   true,
		{project.StageIMPLEMENTATION, project.StageEVALUATION}: true,
		{project.StageEVALUATION, project.StageCLOSED}:         true,
	}
	for _, from := range stageOrder {
		for _, to := range stageOrder {
			want := from == to || allowed[[2]project.Stage{from, to}]
			if got := CanMove(from, to); got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	if _, ok := NextStage(project.StageCLOSED); ok {
		t.Error("CLOSED has a next stage")
	}
}
