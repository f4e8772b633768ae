package graph

import (
	"context"

	"github.com/tongxing/tongxing/casework"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/graph/model"
	"github.com/tongxing/tongxing/paging"
)

// Case connections are paged in memory: a caller reads at most its own
// agency's cases, and each case's parts are few.

func casePage[T any](list string, all []T, after *paging.Cursor, first *int) (paging.Page[T], error) {
	return paging.Slice(list, all, after, first)
}

func caseConnection(all []*casework.Case, after *paging.Cursor, first *int) (*model.CaseConnection, error) {
	p, err := casePage("cases", all, after, first)
	if err != nil {
		return nil, err
	}
	out := &model.CaseConnection{PageInfo: &p.Info, TotalCount: len(all), Edges: make([]*model.CaseEdge, len(p.Nodes))}
	for i, n := range p.Nodes {
		out.Edges[i] = &model.CaseEdge{Node: n, Cursor: p.Cursors[i]}
	}
	return out, nil
}

func sessionConnection(all []*casework.Session, after *paging.Cursor, first *int) (*model.CaseSessionConnection, error) {
	p, err := casePage("caseSessions", all, after, first)
	if err != nil {
		return nil, err
	}
	out := &model.CaseSessionConnection{PageInfo: &p.Info, TotalCount: len(all), Edges: make([]*model.CaseSessionEdge, len(p.Nodes))}
	for i, n := range p.Nodes {
		out.Edges[i] = &model.CaseSessionEdge{Node: n, Cursor: p.Cursors[i]}
	}
	return out, nil
}

func crisisConnection(all []*casework.Crisis, after *paging.Cursor, first *int) (*model.CaseCrisisConnection, error) {
	p, err := casePage("caseCrises", all, after, first)
	if err != nil {
		return nil, err
	}
	out := &model.CaseCrisisConnection{PageInfo: &p.Info, TotalCount: len(all), Edges: make([]*model.CaseCrisisEdge, len(p.Nodes))}
	for i, n := range p.Nodes {
		out.Edges[i] = &model.CaseCrisisEdge{Node: n, Cursor: p.Cursors[i]}
	}
	return out, nil
}

func volunteerConnection(all []*casework.Volunteer, after *paging.Cursor, first *int) (*model.CaseVolunteerConnection, error) {
	p, err := casePage("caseVolunteers", all, after, first)
	if err != nil {
		return nil, err
	}
	out := &model.CaseVolunteerConnection{PageInfo: &p.Info, TotalCount: len(all), Edges: make([]*model.CaseVolunteerEdge, len(p.Nodes))}
	for i, n := range p.Nodes {
		out.Edges[i] = &model.CaseVolunteerEdge{Node: n, Cursor: p.Cursors[i]}
	}
	return out, nil
}

func referralConnection(all []*casework.Referral, after *paging.Cursor, first *int) (*model.CaseReferralConnection, error) {
	p, err := casePage("caseReferrals", all, after, first)
	if err != nil {
		return nil, err
	}
	out := &model.CaseReferralConnection{PageInfo: &p.Info, TotalCount: len(all), Edges: make([]*model.CaseReferralEdge, len(p.Nodes))}
	for i, n := range p.Nodes {
		out.Edges[i] = &model.CaseReferralEdge{Node: n, Cursor: p.Cursors[i]}
	}
	return out, nil
}

// visible returns what a query made under the caller's own rules found, or
// nil when the rules hide it: a case's reader may not read every person or
// need it names.
func visible[T any](v *T, err error) (*T, error) {
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// orgByID reads a public organisation, or nil for none.
func (r *Resolver) orgByID(ctx context.Context, id *int) (*ent.Organization, error) {
	if id == nil {
		return nil, nil
	}
	return visible(r.clientFrom(ctx).Organization.Get(ctx, *id))
}
