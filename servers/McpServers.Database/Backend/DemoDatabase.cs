using System.Globalization;
using System.Text;

namespace McpServers.Database.Backend;

public enum DemoFlavor
{
    PostgreSql,
    Sqlite,

    /// <summary>MySQL or MariaDB: the script runs in the demo database, and <c>hr</c> is a second database.</summary>
    MySql,
}

/// <summary>
/// The demo schema and data as SQL scripts. <see cref="Main"/> fills the default schema; <see cref="Hr"/> fills the
/// <c>hr</c> schema (PostgreSQL) or a separate file attached as <c>hr</c> (SQLite), which the default policy hides.
/// </summary>
public sealed record DemoScript(string Main, string Hr);

/// <summary>
/// A deterministic sample database: customers, products, invoices with lines over the last eight quarters (up to the
/// clock's today, so "this quarter" has data), a <c>finance</c> fact table for the declared-tool example, and
/// <c>hr.employees</c>. Same seed, same clock → same data, on both backends.
/// </summary>
public static class DemoDatabase
{
    public const int CustomerCount = 200;
    public const int ProductCount = 40;
    public const int InvoiceCount = 3000;
    public const int EmployeeCount = 50;
    public const int Quarters = 8;

    public static IReadOnlyList<string> Entities { get; } = ["ACME-US", "ACME-EU", "ACME-APAC"];

    public static IReadOnlyList<string> Metrics { get; } = ["revenue", "opex", "headcount", "ebitda"];

    private static readonly string[] Prefixes =
    [
        "Northwind", "Contoso", "Fabrikam", "Tailspin", "Adventure", "Blue Yonder", "Coho", "Litware", "Proseware", "Wingtip",
        "Alpine", "Lucerne", "Margie's", "Trey", "Wide World", "Woodgrove", "Humongous", "Datum", "Fourth Coffee", "Relecloud",
    ];

    private static readonly string[] Suffixes = ["Traders", "Labs", "Logistics", "Foods", "Systems", "Partners", "Holdings", "Studios", "Works", "Group"];
    private static readonly string[] Countries = ["US", "DE", "FR", "GB", "JP", "BR", "IN", "AU", "CA", "NL"];
    private static readonly string[] Segments = ["Enterprise", "Mid-market", "SMB"];
    private static readonly string[] Categories = ["Hardware", "Software", "Services", "Support", "Training"];
    private static readonly string[] Statuses = ["paid", "paid", "paid", "open", "overdue", "void"];

    /// <summary>The first day of the quarter containing <paramref name="day"/>.</summary>
    public static DateOnly QuarterStart(DateOnly day) => new(day.Year, ((day.Month - 1) / 3 * 3) + 1, 1);

    public static string QuarterName(DateOnly day) => $"{day.Year}-Q{((day.Month - 1) / 3) + 1}";

    public static DemoScript BuildScript(DemoFlavor flavor, DateOnly today)
    {
        var rng = new Xorshift(20240601);
        var sql = new SqlText(flavor);
        sql.Line(Ddl(flavor));

        var customers = new List<object?[]>();
        for (int i = 1; i <= CustomerCount; i++)
        {
            string name = $"{Prefixes[(i - 1) % Prefixes.Length]} {Suffixes[(i - 1) / Prefixes.Length % Suffixes.Length]}";
            string email = "billing" + i.ToString(CultureInfo.InvariantCulture) + "@" + name.ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal).Replace("'", string.Empty, StringComparison.Ordinal) + ".example";
            var created = new DateTime(2020, 1, 1, 9, 0, 0, DateTimeKind.Unspecified).AddHours(rng.Next(0, 4 * 365 * 24));
            customers.Add([i, name, email, Countries[rng.Next(0, Countries.Length)], Segments[rng.Next(0, Segments.Length)], created,
                rng.Next(10, 500) * 1000m + 0.5m, "pbkdf2$" + rng.Next(100000, 999999).ToString(CultureInfo.InvariantCulture)]);
        }

        sql.Insert("customers", ["id", "name", "email", "country", "segment", "created_at", "credit_limit", "portal_password_hash"], customers);

        var products = new List<object?[]>();
        var prices = new decimal[ProductCount + 1];
        for (int i = 1; i <= ProductCount; i++)
        {
            prices[i] = rng.Next(500, 250000) / 100m;
            products.Add([i, "SKU-" + i.ToString("0000", CultureInfo.InvariantCulture), $"{Categories[(i - 1) % Categories.Length]} item {i}",
                Categories[(i - 1) % Categories.Length], prices[i], i % 7 != 0]);
        }

        sql.Insert("products", ["id", "sku", "name", "category", "unit_price", "active"], products);

        DateOnly first = QuarterStart(today).AddMonths(-3 * (Quarters - 1));
        int days = today.DayNumber - first.DayNumber + 1;
        var invoices = new List<object?[]>();
        var lines = new List<object?[]>();
        int lineId = 1;
        for (int i = 1; i <= InvoiceCount; i++)
        {
            // Spread evenly over the range, with jitter, in invoice-number order.
            DateOnly issued = first.AddDays(Math.Min(days - 1, (int)((long)(i - 1) * days / InvoiceCount) + rng.Next(0, 2)));
            int customer = 1 + (int)(Math.Pow(rng.NextDouble(), 1.6) * CustomerCount);
            decimal total = 0;
            int count = rng.Next(1, 5);
            for (int l = 0; l < count; l++)
            {
                int product = rng.Next(1, ProductCount + 1);
                int quantity = rng.Next(1, 20);
                decimal lineTotal = prices[product] * quantity;
                total += lineTotal;
                lines.Add([lineId++, i, product, quantity, prices[product], lineTotal]);
            }

            string? notes = i % 11 == 0 ? $"PO {rng.Next(1000, 9999).ToString(CultureInfo.InvariantCulture)}; deliver to dock {i % 4 + 1}" : null;
            invoices.Add([i, Math.Min(customer, CustomerCount), $"INV-{issued.Year}-{i:00000}", issued, issued.AddDays(30),
                Statuses[rng.Next(0, Statuses.Length)], i % 5 == 0 ? "EUR" : "USD", total, notes,
                issued.ToDateTime(new TimeOnly(8 + rng.Next(0, 10), rng.Next(0, 60), rng.Next(0, 60)))]);
        }

        sql.Insert("invoices", ["id", "customer_id", "invoice_number", "issued_on", "due_on", "status", "currency", "total", "notes", "created_at"], invoices);
        sql.Insert("invoice_lines", ["id", "invoice_id", "product_id", "quantity", "unit_price", "line_total"], lines);

        var finance = new List<object?[]>();
        int financeId = 1;
        for (int q = 0; q < Quarters; q++)
        {
            string period = QuarterName(first.AddMonths(3 * q));
            foreach (string entity in Entities)
            {
                decimal revenue = rng.Next(5_000_000, 20_000_000) + 0.25m;
                decimal opex = Math.Round(revenue * (0.55m + rng.Next(0, 20) / 100m), 2);
                finance.Add([financeId++, period, entity, "revenue", revenue]);
                finance.Add([financeId++, period, entity, "opex", opex]);
                finance.Add([financeId++, period, entity, "headcount", (decimal)rng.Next(80, 400)]);
                finance.Add([financeId++, period, entity, "ebitda", revenue - opex]);
            }
        }

        sql.Insert("finance", ["id", "period", "entity", "metric", "amount"], finance);
        sql.Line(flavor == DemoFlavor.MySql ? "ANALYZE TABLE customers, products, invoices, invoice_lines, finance;" : "ANALYZE;");

        var hr = new SqlText(flavor);
        bool separateSchema = flavor is DemoFlavor.PostgreSql or DemoFlavor.MySql;
        string hrTable = separateSchema ? "hr.employees" : "employees";
        hr.Line(separateSchema ? "CREATE SCHEMA hr;" : string.Empty);
        hr.Line($"CREATE TABLE {hrTable} (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, department TEXT NOT NULL, salary NUMERIC(12,2) NOT NULL, ssn TEXT NOT NULL, hired_on DATE NOT NULL);");
        var employees = new List<object?[]>();
        for (int i = 1; i <= EmployeeCount; i++)
        {
            employees.Add([i, $"Employee {i}", Categories[i % Categories.Length], rng.Next(50_000, 250_000) + 0m,
                $"{rng.Next(100, 899)}-{rng.Next(10, 99)}-{rng.Next(1000, 9999)}", new DateOnly(2015, 1, 1).AddDays(rng.Next(0, 3000))]);
        }

        hr.Insert(hrTable, ["id", "full_name", "department", "salary", "ssn", "hired_on"], employees);
        return new DemoScript(sql.ToString(), hr.ToString());
    }

    private static string Ddl(DemoFlavor flavor)
    {
        if (flavor == DemoFlavor.MySql)
        {
            return MySqlDdl;
        }

        bool pg = flavor == DemoFlavor.PostgreSql;
        string ts = pg ? "TIMESTAMP" : "DATETIME";
        string ddl = $"""
            CREATE TABLE customers (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL,
              email TEXT NOT NULL,
              country TEXT NOT NULL,
              segment TEXT NOT NULL,
              created_at {ts} NOT NULL,
              credit_limit NUMERIC(12,2) NOT NULL DEFAULT 0,
              portal_password_hash TEXT
            );
            CREATE TABLE products (
              id INTEGER PRIMARY KEY,
              sku TEXT NOT NULL UNIQUE,
              name TEXT NOT NULL,
              category TEXT NOT NULL,
              unit_price NUMERIC(10,2) NOT NULL,
              active BOOLEAN NOT NULL
            );
            CREATE TABLE invoices (
              id INTEGER PRIMARY KEY,
              customer_id INTEGER NOT NULL REFERENCES customers (id),
              invoice_number TEXT NOT NULL UNIQUE,
              issued_on DATE NOT NULL,
              due_on DATE NOT NULL,
              status TEXT NOT NULL DEFAULT 'open',
              currency TEXT NOT NULL,
              total NUMERIC(12,2) NOT NULL,
              notes TEXT,
              created_at {ts} NOT NULL
            );
            CREATE INDEX invoices_customer_id_idx ON invoices (customer_id);
            CREATE INDEX invoices_issued_on_idx ON invoices (issued_on);
            CREATE TABLE invoice_lines (
              id INTEGER PRIMARY KEY,
              invoice_id INTEGER NOT NULL REFERENCES invoices (id),
              product_id INTEGER NOT NULL REFERENCES products (id),
              quantity INTEGER NOT NULL,
              unit_price NUMERIC(10,2) NOT NULL,
              line_total NUMERIC(12,2) NOT NULL
            );
            CREATE INDEX invoice_lines_invoice_id_idx ON invoice_lines (invoice_id);
            CREATE TABLE finance (
              id INTEGER PRIMARY KEY,
              period TEXT NOT NULL,
              entity TEXT NOT NULL,
              metric TEXT NOT NULL,
              amount NUMERIC(18,2) NOT NULL,
              UNIQUE (period, entity, metric)
            );
            CREATE VIEW invoice_summary AS
              SELECT i.id, i.invoice_number, i.issued_on, i.status, i.total, c.name AS customer_name, c.country
              FROM invoices i JOIN customers c ON c.id = i.customer_id;
            """;
        if (pg)
        {
            ddl += """

                COMMENT ON TABLE customers IS 'Customers we invoice; one row per billing account.';
                COMMENT ON TABLE invoices IS 'Issued invoices; total is the sum of the invoice lines.';
                COMMENT ON COLUMN invoices.total IS 'Invoice total in the invoice currency.';
                COMMENT ON TABLE finance IS 'Quarterly reporting facts per legal entity (revenue, opex, headcount, ebitda).';
                """;
        }

        return ddl;
    }

    /// <summary>
    /// The same schema for MySQL/MariaDB: keys and uniques need bounded VARCHARs, foreign keys are table constraints
    /// (MySQL ignores inline REFERENCES), BOOLEAN is TINYINT(1), and comments are table and column options.
    /// </summary>
    private const string MySqlDdl = """
        CREATE TABLE customers (
          id INTEGER PRIMARY KEY,
          name VARCHAR(200) NOT NULL,
          email VARCHAR(200) NOT NULL,
          country VARCHAR(10) NOT NULL,
          segment VARCHAR(50) NOT NULL,
          created_at DATETIME NOT NULL,
          credit_limit DECIMAL(12,2) NOT NULL DEFAULT 0,
          portal_password_hash VARCHAR(200)
        ) COMMENT = 'Customers we invoice; one row per billing account.';
        CREATE TABLE products (
          id INTEGER PRIMARY KEY,
          sku VARCHAR(50) NOT NULL UNIQUE,
          name VARCHAR(200) NOT NULL,
          category VARCHAR(50) NOT NULL,
          unit_price DECIMAL(10,2) NOT NULL,
          active BOOLEAN NOT NULL
        );
        CREATE TABLE invoices (
          id INTEGER PRIMARY KEY,
          customer_id INTEGER NOT NULL,
          invoice_number VARCHAR(50) NOT NULL UNIQUE,
          issued_on DATE NOT NULL,
          due_on DATE NOT NULL,
          status VARCHAR(20) NOT NULL DEFAULT 'open',
          currency VARCHAR(3) NOT NULL,
          total DECIMAL(12,2) NOT NULL COMMENT 'Invoice total in the invoice currency.',
          notes TEXT,
          created_at DATETIME NOT NULL,
          CONSTRAINT invoices_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id)
        ) COMMENT = 'Issued invoices; total is the sum of the invoice lines.';
        CREATE INDEX invoices_customer_id_idx ON invoices (customer_id);
        CREATE INDEX invoices_issued_on_idx ON invoices (issued_on);
        CREATE TABLE invoice_lines (
          id INTEGER PRIMARY KEY,
          invoice_id INTEGER NOT NULL,
          product_id INTEGER NOT NULL,
          quantity INTEGER NOT NULL,
          unit_price DECIMAL(10,2) NOT NULL,
          line_total DECIMAL(12,2) NOT NULL,
          CONSTRAINT invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id),
          CONSTRAINT invoice_lines_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id)
        );
        CREATE INDEX invoice_lines_invoice_id_idx ON invoice_lines (invoice_id);
        CREATE TABLE finance (
          id INTEGER PRIMARY KEY,
          period VARCHAR(10) NOT NULL,
          entity VARCHAR(50) NOT NULL,
          metric VARCHAR(50) NOT NULL,
          amount DECIMAL(18,2) NOT NULL,
          UNIQUE (period, entity, metric)
        ) COMMENT = 'Quarterly reporting facts per legal entity (revenue, opex, headcount, ebitda).';
        CREATE VIEW invoice_summary AS
          SELECT i.id, i.invoice_number, i.issued_on, i.status, i.total, c.name AS customer_name, c.country
          FROM invoices i JOIN customers c ON c.id = i.customer_id;
        """;

    /// <summary>Builds literal INSERTs from values this class generated itself (never from outside input).</summary>
    private sealed class SqlText(DemoFlavor flavor)
    {
        private readonly StringBuilder _sql = new();

        public void Line(string text) => _sql.AppendLine(text);

        public void Insert(string table, string[] columns, List<object?[]> rows)
        {
            foreach (object?[][] chunk in rows.Chunk(500))
            {
                _sql.Append("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES\n");
                for (int r = 0; r < chunk.Length; r++)
                {
                    _sql.Append(r == 0 ? "(" : ",\n(").AppendJoin(", ", chunk[r].Select(Literal)).Append(')');
                }

                _sql.Append(";\n");
            }
        }

        private string Literal(object? value) => value switch
        {
            null => "NULL",
            bool b when flavor == DemoFlavor.PostgreSql => b ? "TRUE" : "FALSE",
            bool b => b ? "1" : "0",
            int i => i.ToString(CultureInfo.InvariantCulture),
            decimal d => d.ToString(CultureInfo.InvariantCulture),
            DateOnly d => "'" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'",
            DateTime t => "'" + t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "'",
            string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
            _ => throw new InvalidOperationException("Unsupported demo value."),
        };

        public override string ToString() => _sql.ToString();
    }

    /// <summary>xorshift64*: tiny, deterministic across runtimes (System.Random's seeded sequence is an implementation detail).</summary>
    private sealed class Xorshift(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int minInclusive, int maxExclusive) => minInclusive + (int)(NextUInt64() % (ulong)(maxExclusive - minInclusive));

        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        private ulong NextUInt64()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return _state * 2685821657736338717UL;
        }
    }
}
