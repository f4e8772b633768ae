package writer

import (
	"io"
	"reflect"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/tongxing/tongxing/opendata/dataset"
)

// WriteParquet writes the table as an Apache Parquet file with one nullable
// column per field, in field order: integer and year fields as INT64/INT32,
// numbers as DOUBLE, dates as DATE, strings and year-months as UTF-8
// strings; zstd-compressed. Parquet has no place for a "suppressed" marker
// inside a typed column, so both missing values are null there; the
// key-value metadata says which fields are protected and what null means,
// and the CSV and JSON files keep the distinction ("x" or empty).
func WriteParquet(w io.Writer, t *dataset.Table, meta map[string]string) error {
	fields := make([]parquet.Field, len(t.Dataset.Fields))
	for i, f := range t.Dataset.Fields {
		fields[i] = orderedField{Node: parquet.Optional(parquetNode(f.Type)), name: f.Name}
	}
	schema := parquet.NewSchema(t.Dataset.ID, orderedGroup{fields: fields})
	opts := []parquet.WriterOption{
		schema,
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault}),
		parquet.CreatedBy("tongxing", "opendata", ""),
	}
	for _, k := range sortedMetaKeys(meta) {
		opts = append(opts, parquet.KeyValueMetadata(k, meta[k]))
	}
	pw := parquet.NewWriter(w, opts...)
	rb := parquet.NewRowBuilder(schema)
	rows := make([]parquet.Row, 0, 256)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := pw.WriteRows(rows)
		rows = rows[:0]
		return err
	}
	for _, r := range t.Rows {
		rb.Reset()
		for i, v := range r {
			if v.Missing() {
				continue // null
			}
			rb.Add(i, parquetValue(t.Dataset.Fields[i].Type, v))
		}
		rows = append(rows, rb.Row())
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return pw.Close()
}

func parquetNode(t dataset.Type) parquet.Node {
	switch t {
	case dataset.Integer:
		return parquet.Int(64)
	case dataset.Year:
		return parquet.Int(32)
	case dataset.Number:
		return parquet.Leaf(parquet.DoubleType)
	case dataset.Date:
		return parquet.Date()
	}
	return parquet.String()
}

var epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

func parquetValue(t dataset.Type, v dataset.Value) parquet.Value {
	switch t {
	case dataset.Integer:
		return parquet.Int64Value(v.Int)
	case dataset.Year:
		return parquet.Int32Value(int32(v.Int))
	case dataset.Number:
		return parquet.DoubleValue(v.Float())
	case dataset.Date:
		d, err := time.Parse(time.DateOnly, v.Str)
		if err != nil {
			return parquet.Value{} // null; dates are always well formed here
		}
		return parquet.Int32Value(int32(d.Sub(epoch).Hours() / 24))
	}
	return parquet.ByteArrayValue([]byte(v.Text()))
}

func sortedMetaKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// orderedGroup is a parquet group whose columns keep the dataset's field
// order; parquet.Group is a map and would sort them by name.
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

func (g orderedGroup) Fields() []parquet.Field { return g.fields }
func (g orderedGroup) String() string          { return "group" }
func (g orderedGroup) GoType() reflect.Type    { return reflect.TypeFor[map[string]any]() }

type orderedField struct {
	parquet.Node
	name string
}

func (f orderedField) Name() string { return f.name }

// Value is only used when writing Go values by reflection, which this
// writer never does (rows are built column by column).
func (f orderedField) Value(base reflect.Value) reflect.Value {
	if base.Kind() == reflect.Map {
		return base.MapIndex(reflect.ValueOf(f.name))
	}
	return reflect.Value{}
}
