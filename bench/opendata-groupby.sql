-- The bare GROUP BY queries behind the open-data tables, for comparing a
-- release build with the database's own aggregation (docs/benchmarks.md,
-- "Open data at district scale"). No disclosure control, no files: the
-- floor a build cannot go below.
--
--   psql "$URL" -f bench/opendata-groupby.sql
\timing on
\o /dev/null
-- volunteer-hours-monthly: verified hours and distinct volunteers by month and place
SELECT date_trunc('month', s.served_on), a.region_id, count(DISTINCT s.person_id), sum(s.minutes)
FROM service_records s JOIN activities a ON a.id = s.activity_id
WHERE s.status = 'VERIFIED' GROUP BY 1, 2;
-- the monthly hours cap is applied per person and month
SELECT s.person_id, date_trunc('month', s.served_on), sum(s.minutes)
FROM service_records s WHERE s.status = 'VERIFIED' GROUP BY 1, 2;
-- projects: verified hours and volunteers
SELECT a.project_id, sum(s.minutes), count(DISTINCT s.person_id)
FROM service_records s JOIN activities a ON a.id = s.activity_id
WHERE s.status = 'VERIFIED' AND a.project_id IS NOT NULL GROUP BY 1;
-- activities by month, place and kind
SELECT date_trunc('month', starts_at), region_id, kind, count(*), sum(beneficiaries) FROM activities GROUP BY 1, 2, 3;
-- needs-monthly
SELECT date_trunc('month', opened_at), region_id, domain_id, status, count(*) FROM needs GROUP BY 1, 2, 3, 4;
-- volunteers: registered people by age band and gender
SELECT gender, date_part('year', age(birth_date)) >= 18, count(*) FROM persons GROUP BY 1, 2;
-- organisations by kind, status and region
SELECT kind, registration_status, region_id, count(*) FROM organizations GROUP BY 1, 2, 3;
