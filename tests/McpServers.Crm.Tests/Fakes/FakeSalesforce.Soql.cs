using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace McpServers.Crm.Tests.Fakes;

/// <summary>
/// The fake's SOQL: a small parser and evaluator for the statements a careful client writes. It is strict where
/// Salesforce is (SOQL and SOSL Reference): only the documented escapes in quoted strings, <c>\%</c>/<c>\_</c> only in
/// LIKE, dates unquoted and only against date fields, numbers against number fields, fields that exist in describe
/// (else INVALID_FIELD). Anything it cannot parse is a 400 MALFORMED_QUERY, so an escaping bug shows up as a failure.
/// </summary>
public sealed partial class FakeSalesforce
{
    private IResult Query(string soql)
    {
        Statement statement;
        try
        {
            statement = new Parser(soql, this).Parse();
        }
        catch (SoqlError e)
        {
            return Error(400, e.Code, e.Message);
        }

        if (statement.Object == "Organization" && OrganizationHidden)
        {
            return Error(403, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id");
        }

        List<Row> rows;
        lock (_gate)
        {
            rows = [.. Rows.Where(r => r.Object == statement.Object && r.Visible)];
        }

        if (statement.Object == "Organization")
        {
            var org = new Row("Organization", "00DFk0000000001AAA");
            org.Values["FiscalYearStartMonth"] = (decimal)FiscalYearStartMonth;
            org.Values["DefaultCurrencyIsoCode"] = CorporateCurrency;
            rows = [org];
        }

        List<Row> result = statement.Run(rows.Where(statement.Where).ToList());
        return Batch(result, 0, null);
    }

    private IResult QueryMore(string locator)
    {
        int dash = locator.LastIndexOf('-');
        if (dash < 0 || !_pages.TryGetValue(locator[..dash], out List<Row>? result)
            || !int.TryParse(locator[(dash + 1)..], CultureInfo.InvariantCulture, out int offset))
        {
            return Error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }

        return Batch(result, offset, locator[..dash]);
    }

    /// <summary>A batch of <see cref="BatchSize"/> records from <paramref name="offset"/>; a first batch (no locator yet) gets one when there is more.</summary>
    private IResult Batch(List<Row> result, int offset, string? locator)
    {
        var page = new JsonObject
        {
            ["totalSize"] = result.Count,
            ["done"] = offset + BatchSize >= result.Count,
            ["records"] = new JsonArray([.. result.Skip(offset).Take(BatchSize).Select(r => r.Output!.DeepClone())]),
        };
        if (offset + BatchSize < result.Count)
        {
            string key = locator ?? "01gFk" + Interlocked.Increment(ref _locators).ToString("D10", CultureInfo.InvariantCulture);
            _pages[key] = result;
            page["nextRecordsUrl"] = NextRecordsUrlOverride ?? $"/services/data/{ApiVersion}/query/{key}-{offset + BatchSize}";
        }

        return Json(page);
    }

    private object? Resolve(Row row, string path)
    {
        int dot = path.IndexOf('.');
        if (dot < 0)
        {
            return row.Values.GetValueOrDefault(path);
        }

        string relationship = path[..dot];
        FieldSpec? reference = FieldsOf(row.Object).FirstOrDefault(f => string.Equals(f.Relationship, relationship, StringComparison.OrdinalIgnoreCase));
        if (reference is null || row.Values.GetValueOrDefault(reference.Name) is not string id)
        {
            return null;
        }

        lock (_gate)
        {
            return Rows.FirstOrDefault(r => r.Id == id)?.Values.GetValueOrDefault(path[(dot + 1)..]);
        }
    }

    private sealed class SoqlError(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }

    private enum Kind
    {
        Word,
        String,
        Number,
        Date,
        Symbol,
        End,
    }

    /// <summary><paramref name="Raw"/>: a string's text as written between the quotes (escapes included).</summary>
    private sealed record Token(Kind Kind, string Text, string Raw = "");

    private sealed record Aggregate(string Function, string Field);

    private sealed class Statement(FakeSalesforce fake)
    {
        public string Object { get; set; } = "";
        public List<object> Select { get; } = []; // string path or Aggregate
        public Func<Row, bool> Where { get; set; } = _ => true;
        public List<string> GroupBy { get; } = [];
        public object? OrderBy { get; set; }
        public bool Descending { get; set; }
        public int? Limit { get; set; }
        public int Offset { get; set; }

        public List<Row> Run(List<Row> rows)
        {
            IEnumerable<Row> output = Select.Any(s => s is Aggregate) ? Groups(rows) : rows.Select(Project);
            if (OrderBy is not null)
            {
                output = Descending ? output.OrderByDescending(r => r.SortKey, Comparer.Instance) : output.OrderBy(r => r.SortKey, Comparer.Instance);
            }

            return [.. output.Skip(Offset).Take(Limit ?? int.MaxValue)];
        }

        private Row Project(Row row)
        {
            var record = new JsonObject
            {
                ["attributes"] = new JsonObject { ["type"] = Object, ["url"] = $"/services/data/{ApiVersion}/sobjects/{Object}/{row.Id}" },
            };
            foreach (string path in Select.OfType<string>())
            {
                int dot = path.IndexOf('.');
                if (dot < 0)
                {
                    record[path] = Node(row.Values.GetValueOrDefault(path));
                }
                else
                {
                    object? value = fake.Resolve(row, path);
                    record[path[..dot]] = value is null ? null : new JsonObject
                    {
                        ["attributes"] = new JsonObject { ["type"] = "User" },
                        [path[(dot + 1)..]] = Node(value),
                    };
                }
            }

            return new Row(Object, row.Id) { Output = record, SortKey = OrderBy is string field ? fake.Resolve(row, field) : null };
        }

        private IEnumerable<Row> Groups(List<Row> rows)
        {
            foreach (IGrouping<string, Row> group in rows.GroupBy(r => string.Join("\u0001", GroupBy.Select(g => fake.Resolve(r, g)?.ToString() ?? "")), StringComparer.Ordinal))
            {
                var record = new JsonObject { ["attributes"] = new JsonObject { ["type"] = "AggregateResult" } };
                int expr = 0;
                object? sortKey = null;
                foreach (object item in Select)
                {
                    if (item is string path)
                    {
                        record[path.Contains('.') ? path[(path.IndexOf('.') + 1)..] : path] = Node(fake.Resolve(group.First(), path));
                        continue;
                    }

                    var aggregate = (Aggregate)item;
                    decimal[] values = [.. group.Select(r => fake.Resolve(r, aggregate.Field)).OfType<decimal>()];
                    object? value = aggregate.Function switch
                    {
                        "SUM" => values.Length == 0 ? null : values.Sum(),
                        "COUNT" => (decimal)group.Count(r => fake.Resolve(r, aggregate.Field) is not null),
                        "MAX" => values.Length == 0 ? null : values.Max(),
                        _ => throw new SoqlError("MALFORMED_QUERY", "unsupported aggregate in the fake"),
                    };
                    record["expr" + expr.ToString(CultureInfo.InvariantCulture)] = Node(value);
                    expr++;
                    if (OrderBy is Aggregate o && o == aggregate)
                    {
                        sortKey = value;
                    }
                }

                yield return new Row("AggregateResult", "") { Output = record, SortKey = sortKey };
            }
        }
    }

    private static JsonNode? Node(object? value) => value switch
    {
        null => null,
        string s => s,
        decimal d => d,
        bool b => b,
        _ => value.ToString(),
    };

    private sealed class Comparer : IComparer<object?>
    {
        public static readonly Comparer Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (decimal a, decimal b) => a.CompareTo(b),
            (bool a, bool b) => a.CompareTo(b),
            _ => string.Compare(x.ToString(), y.ToString(), StringComparison.OrdinalIgnoreCase),
        };
    }

    private sealed class Parser(string soql, FakeSalesforce fake)
    {
        private readonly List<Token> _tokens = Tokenize(soql);
        private int _at;

        public Statement Parse()
        {
            var statement = new Statement(fake);
            Expect("SELECT");
            var items = new List<(string? Function, string Path)>();
            do
            {
                string name = Word();
                if (Peek("("))
                {
                    Expect("(");
                    items.Add((name.ToUpperInvariant(), Word()));
                    Expect(")");
                }
                else
                {
                    items.Add((null, name));
                }
            }
            while (Accept(","));

            Expect("FROM");
            statement.Object = Word();
            if (!Schemas.ContainsKey(statement.Object))
            {
                throw new SoqlError("INVALID_TYPE", $"sObject type '{statement.Object}' is not supported.");
            }

            foreach ((string? function, string path) in items)
            {
                Field(statement.Object, path);
                statement.Select.Add(function is null ? path : new Aggregate(function, path));
            }

            if (Accept("WHERE"))
            {
                statement.Where = Or(statement.Object);
            }

            if (Accept("GROUP"))
            {
                Expect("BY");
                do
                {
                    string path = Word();
                    Field(statement.Object, path);
                    statement.GroupBy.Add(path);
                }
                while (Accept(","));
            }

            if (Accept("ORDER"))
            {
                Expect("BY");
                string name = Word();
                if (Accept("("))
                {
                    statement.OrderBy = new Aggregate(name.ToUpperInvariant(), Word());
                    Expect(")");
                }
                else
                {
                    Field(statement.Object, name);
                    statement.OrderBy = name;
                }

                statement.Descending = Accept("DESC");
                _ = !statement.Descending && Accept("ASC");
                if (Accept("NULLS"))
                {
                    _ = Accept("LAST") || Accept("FIRST") ? true : throw new SoqlError("MALFORMED_QUERY", "expecting FIRST or LAST");
                }
            }

            if (Accept("LIMIT"))
            {
                statement.Limit = Integer();
            }

            if (Accept("OFFSET"))
            {
                statement.Offset = Integer();
                if (statement.Offset > 2000)
                {
                    throw new SoqlError("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000");
                }
            }

            if (_tokens[_at].Kind != Kind.End)
            {
                throw new SoqlError("MALFORMED_QUERY", $"unexpected token: '{_tokens[_at].Text}'");
            }

            return statement;
        }

        private Func<Row, bool> Or(string objectName)
        {
            Func<Row, bool> left = And(objectName);
            while (Accept("OR"))
            {
                Func<Row, bool> a = left, b = And(objectName);
                left = r => a(r) || b(r);
            }

            return left;
        }

        private Func<Row, bool> And(string objectName)
        {
            Func<Row, bool> left = Condition(objectName);
            while (Accept("AND"))
            {
                Func<Row, bool> a = left, b = Condition(objectName);
                left = r => a(r) && b(r);
            }

            return left;
        }

        private Func<Row, bool> Condition(string objectName)
        {
            if (Accept("("))
            {
                Func<Row, bool> inner = Or(objectName);
                Expect(")");
                return inner;
            }

            string path = Word();
            FieldSpec field = Field(objectName, path);
            if (Accept("LIKE"))
            {
                Token pattern = Next();
                if (pattern.Kind != Kind.String || !IsText(field))
                {
                    throw new SoqlError("MALFORMED_QUERY", "LIKE needs a quoted pattern on a text field");
                }

                var like = new Regex("^" + LikeRegex(pattern.Raw) + "$", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
                return r => fake.Resolve(r, path) is string s && like.IsMatch(s);
            }

            if (Accept("IN"))
            {
                Expect("(");
                var values = new List<object?>();
                do
                {
                    values.Add(Literal(field));
                }
                while (Accept(","));

                Expect(")");
                return r => values.Any(v => Same(fake.Resolve(r, path), v));
            }

            string op = Next() is { Kind: Kind.Symbol, Text: "=" or "!=" or "<" or "<=" or ">" or ">=" } t
                ? t.Text
                : throw new SoqlError("MALFORMED_QUERY", "expecting a comparison operator");
            object? value = Literal(field);
            return r =>
            {
                object? actual = fake.Resolve(r, path);
                return op switch
                {
                    "=" => Same(actual, value),
                    "!=" => !Same(actual, value),
                    _ when actual is null || value is null => false,
                    _ => Comparer.Instance.Compare(actual, value) switch
                    {
                        var c when op == "<" => c < 0,
                        var c when op == "<=" => c <= 0,
                        var c when op == ">" => c > 0,
                        var c => c >= 0,
                    },
                };
            };
        }

        /// <summary>A literal of the field's type, as Salesforce insists: quoted text for text and ids, bare dates, numbers, booleans.</summary>
        private object? Literal(FieldSpec field)
        {
            Token token = Next();
            if (token is { Kind: Kind.Word } && token.Text.Equals("null", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return (field.Type, token.Kind) switch
            {
                ("date", Kind.Date) when token.Text.Length == 10 => token.Text,
                ("datetime", Kind.Date) when token.Text.Length > 10 => token.Text,
                ("currency" or "double" or "percent" or "int", Kind.Number) => decimal.Parse(token.Text, CultureInfo.InvariantCulture),
                ("boolean", Kind.Word) when token.Text is "true" or "false" or "TRUE" or "FALSE" => bool.Parse(token.Text),
                (_, Kind.String) when IsText(field) || field.Type is "id" or "reference" => Unescape(token.Raw, like: false),
                _ => throw new SoqlError("INVALID_QUERY_FILTER_OPERATOR",
                    $"value of filter criterion for field '{field.Name}' must be of type {field.Type} and should not be enclosed in quotes"),
            };
        }

        private static bool IsText(FieldSpec field) => field.Type is "string" or "picklist" or "textarea" or "email" or "phone" or "url" or "combobox";

        private static bool Same(object? actual, object? expected) => (actual, expected) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (string a, string b) when a.Length == 18 && b.Length == 15 => string.Equals(a[..15], b, StringComparison.Ordinal),
            (string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase),
            _ => Comparer.Instance.Compare(actual, expected) == 0,
        };

        private FieldSpec Field(string objectName, string path)
        {
            int dot = path.IndexOf('.');
            if (dot < 0)
            {
                return fake.FieldsOf(objectName).FirstOrDefault(f => string.Equals(f.Name, path, StringComparison.OrdinalIgnoreCase))
                    ?? throw new SoqlError("INVALID_FIELD", $"No such column '{path}' on entity '{objectName}'.");
            }

            FieldSpec reference = fake.FieldsOf(objectName).FirstOrDefault(f => string.Equals(f.Relationship, path[..dot], StringComparison.OrdinalIgnoreCase))
                ?? throw new SoqlError("INVALID_FIELD", $"Didn't understand relationship '{path[..dot]}' in field path.");
            return path[(dot + 1)..] == "Name"
                ? new FieldSpec("Name", "Name", "string", 255)
                : throw new SoqlError("INVALID_FIELD", $"No such column '{path[(dot + 1)..]}' on the related entity.");
        }

        private static string LikeRegex(string raw)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < raw.Length; i++)
            {
                char c = raw[i];
                if (c == '\\')
                {
                    char next = raw[++i];
                    sb.Append(next is '%' or '_' ? Regex.Escape(next.ToString()) : Regex.Escape(Unescape("\\" + next, like: true)));
                }
                else
                {
                    sb.Append(c switch { '%' => ".*", '_' => ".", _ => Regex.Escape(c.ToString()) });
                }
            }

            return sb.ToString();
        }

        /// <summary>"Quoted String Escape Sequences": \n \r \t \b \f \" \' \\ \uXXXX; \% and \_ only in LIKE; anything else is an error.</summary>
        private static string Unescape(string raw, bool like)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < raw.Length; i++)
            {
                if (raw[i] != '\\')
                {
                    sb.Append(raw[i]);
                    continue;
                }

                char next = raw[++i];
                sb.Append(next switch
                {
                    'n' or 'N' => "\n",
                    'r' or 'R' => "\r",
                    't' or 'T' => "\t",
                    'b' or 'B' => "\b",
                    'f' or 'F' => "\f",
                    '"' => "\"",
                    '\'' => "'",
                    '\\' => "\\",
                    '%' or '_' when like => next.ToString(),
                    _ => throw new SoqlError("MALFORMED_QUERY", $"Invalid string literal: illegal escape sequence '\\{next}'"),
                });
            }

            return sb.ToString();
        }

        private static List<Token> Tokenize(string soql)
        {
            var tokens = new List<Token>();
            int i = 0;
            while (i < soql.Length)
            {
                char c = soql[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c == '\'')
                {
                    var raw = new StringBuilder();
                    i++;
                    while (true)
                    {
                        if (i >= soql.Length)
                        {
                            throw new SoqlError("MALFORMED_QUERY", "unterminated string literal");
                        }

                        if (soql[i] == '\\')
                        {
                            if (i + 1 >= soql.Length)
                            {
                                throw new SoqlError("MALFORMED_QUERY", "unterminated escape");
                            }

                            char escaped = soql[i + 1];
                            if (escaped is not ('n' or 'N' or 'r' or 'R' or 't' or 'T' or 'b' or 'B' or 'f' or 'F' or '"' or '\'' or '\\' or '%' or '_'))
                            {
                                throw new SoqlError("MALFORMED_QUERY", $"Invalid string literal: illegal escape sequence '\\{escaped}'");
                            }

                            raw.Append(soql, i, 2);
                            i += 2;
                        }
                        else if (soql[i] == '\'')
                        {
                            i++;
                            break;
                        }
                        else
                        {
                            raw.Append(soql[i++]);
                        }
                    }

                    tokens.Add(new Token(Kind.String, raw.ToString(), raw.ToString()));
                }
                else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < soql.Length && char.IsAsciiDigit(soql[i + 1])))
                {
                    int start = i++;
                    while (i < soql.Length && (char.IsAsciiDigit(soql[i]) || soql[i] is '.' or '-' or ':' or 'T' or 'Z' or '+'))
                    {
                        i++;
                    }

                    string text = soql[start..i];
                    tokens.Add(new Token(Regex.IsMatch(text, @"^\d{4}-\d{2}-\d{2}") ? Kind.Date : Kind.Number, text));
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    int start = i;
                    while (i < soql.Length && (char.IsAsciiLetterOrDigit(soql[i]) || soql[i] is '_' or '.'))
                    {
                        i++;
                    }

                    tokens.Add(new Token(Kind.Word, soql[start..i]));
                }
                else if (c is '!' or '<' or '>' && i + 1 < soql.Length && soql[i + 1] == '=')
                {
                    tokens.Add(new Token(Kind.Symbol, soql.Substring(i, 2)));
                    i += 2;
                }
                else if (c is '(' or ')' or ',' or '=' or '<' or '>')
                {
                    tokens.Add(new Token(Kind.Symbol, c.ToString()));
                    i++;
                }
                else
                {
                    throw new SoqlError("MALFORMED_QUERY", $"unexpected character '{c}'");
                }
            }

            tokens.Add(new Token(Kind.End, ""));
            return tokens;
        }

        private Token Next() => _tokens[_at].Kind == Kind.End ? throw new SoqlError("MALFORMED_QUERY", "unexpected end of query") : _tokens[_at++];

        private bool Peek(string text) => _tokens[_at].Kind is Kind.Symbol or Kind.Word && string.Equals(_tokens[_at].Text, text, StringComparison.OrdinalIgnoreCase);

        private bool Accept(string text)
        {
            if (!Peek(text))
            {
                return false;
            }

            _at++;
            return true;
        }

        private void Expect(string text)
        {
            if (!Accept(text))
            {
                throw new SoqlError("MALFORMED_QUERY", $"expecting '{text}', found '{_tokens[_at].Text}'");
            }
        }

        private string Word() => Next() is { Kind: Kind.Word } t ? t.Text : throw new SoqlError("MALFORMED_QUERY", "expecting a field name");

        private int Integer() => Next() is { Kind: Kind.Number } t && int.TryParse(t.Text, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new SoqlError("MALFORMED_QUERY", "expecting a number");
    }
}
