namespace McpServers.Database.Backend;

internal enum SqlTokenKind
{
    Word,
    Parameter,
    Text,
    Symbol,
}

/// <summary>One lexical token; <see cref="Start"/>/<see cref="Length"/> index the original statement.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length, string Value);

/// <summary>
/// The minimal SQL lexer behind the declared-statement checks: it knows comments (nested block comments as in
/// PostgreSQL), string literals (incl. E'' escapes), quoted identifiers, dollar quoting, <c>::</c> casts and
/// <c>:name</c> parameters. It is not a parser: its job is to find every bare word and every statement separator,
/// so a keyword hidden in a comment or literal is ignored and one outside them is seen.
/// </summary>
internal static class SqlTokens
{
    public static List<SqlToken> Scan(string sql, List<string> problems)
    {
        var tokens = new List<SqlToken>();
        int i = 0;
        while (i < sql.Length)
        {
            char c = sql[i];
            char next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && next == '-')
            {
                int end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == '/' && next == '*')
            {
                i = SkipBlockComment(sql, i, problems);
            }
            else if (c == '\'')
            {
                int end = SkipQuoted(sql, i, '\'', backslashEscapes: false, problems);
                tokens.Add(new SqlToken(SqlTokenKind.Text, i, end - i, string.Empty));
                i = end;
            }
            else if ((c is 'E' or 'e') && next == '\'' && (i == 0 || !IsWordChar(sql[i - 1])))
            {
                int end = SkipQuoted(sql, i + 1, '\'', backslashEscapes: true, problems);
                tokens.Add(new SqlToken(SqlTokenKind.Text, i, end - i, string.Empty));
                i = end;
            }
            else if (c == '"' || c == '`' || c == '[')
            {
                int end = SkipQuoted(sql, i, c == '[' ? ']' : c, backslashEscapes: false, problems);
                tokens.Add(new SqlToken(SqlTokenKind.Text, i, end - i, string.Empty));
                i = end;
            }
            else if (c == '$' && TryDollarQuote(sql, i, out int dollarEnd, problems))
            {
                tokens.Add(new SqlToken(SqlTokenKind.Text, i, dollarEnd - i, string.Empty));
                i = dollarEnd;
            }
            else if (c == ':' && next == ':')
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, i, 2, "::"));
                i += 2;
            }
            else if (c == ':' && IsWordStart(next))
            {
                int end = i + 1;
                while (end < sql.Length && IsWordChar(sql[end]))
                {
                    end++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Parameter, i, end - i, sql[(i + 1)..end]));
                i = end;
            }
            else if (IsWordStart(c))
            {
                int end = i;
                while (end < sql.Length && (IsWordChar(sql[end]) || sql[end] == '$'))
                {
                    end++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, i, end - i, sql[i..end]));
                i = end;
            }
            else
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, i, 1, c.ToString()));
                i++;
            }
        }

        return tokens;
    }

    public static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static int SkipBlockComment(string sql, int i, List<string> problems)
    {
        int depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        problems.Add("a block comment is not closed");
        return sql.Length;
    }

    private static int SkipQuoted(string sql, int i, char close, bool backslashEscapes, List<string> problems)
    {
        int j = i + 1;
        while (j < sql.Length)
        {
            if (backslashEscapes && sql[j] == '\\')
            {
                j += 2;
                continue;
            }

            if (sql[j] == close)
            {
                if (j + 1 < sql.Length && sql[j + 1] == close && close != ']')
                {
                    j += 2;
                    continue;
                }

                return j + 1;
            }

            j++;
        }

        problems.Add("a quoted string or identifier is not closed");
        return sql.Length;
    }

    private static bool TryDollarQuote(string sql, int i, out int end, List<string> problems)
    {
        end = i;
        int j = i + 1;
        while (j < sql.Length && IsWordChar(sql[j]) && !(j == i + 1 && char.IsDigit(sql[j])))
        {
            j++;
        }

        if (j >= sql.Length || sql[j] != '$')
        {
            return false;
        }

        string tag = sql[i..(j + 1)];
        int close = sql.IndexOf(tag, j + 1, StringComparison.Ordinal);
        if (close < 0)
        {
            problems.Add("a dollar-quoted string is not closed");
            end = sql.Length;
            return true;
        }

        end = close + tag.Length;
        return true;
    }
}
