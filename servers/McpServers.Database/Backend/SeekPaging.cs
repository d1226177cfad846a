using System.Globalization;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Database.Backend;

/// <summary>
/// Where the next page starts. Seek pages carry the last row's ORDER BY key values (<see cref="Keys"/>, a JSON
/// array); positional pages only <see cref="Offset"/>. <see cref="Total"/> is the row count from the first page,
/// when it was cheap to learn, so later pages do not count again. The cursor is signed (<see cref="OpaqueCursor"/>):
/// the model cannot edit the values it carries.
/// </summary>
internal sealed record PageCursor(int Offset, long? Total, string? Keys)
{
    /// <summary>A cursor payload stays far below <see cref="OpaqueCursor"/>'s size cap; longer key values page by offset.</summary>
    public const int MaxKeyBytes = 2000;

    public static PageCursor First { get; } = new(0, null, null);

    public string Encode(string scope) => OpaqueCursor.Encode(scope, string.Create(CultureInfo.InvariantCulture, $"{Offset}|{Total}|{Keys}"));

    public static PageCursor Decode(string scope, string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return First;
        }

        string[] parts = OpaqueCursor.Decode(scope, cursor).Split('|', 3);
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int offset))
        {
            throw new ToolInputException("`cursor` is not valid; repeat the call without it.");
        }

        long? total = long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long t) ? t : null;
        return new PageCursor(offset, total, parts[2].Length > 0 ? parts[2] : null);
    }
}

/// <summary>
/// The seek condition "after the last row" over an ORDER BY whose keys end with the primary key. Each direction
/// sorts NULLS LAST (as <see cref="QueryBuilder"/> orders), so after a value come greater (or smaller) values and
/// then nulls; after a null only nulls, decided by the later keys.
/// </summary>
internal static class SeekPaging
{
    public static string Condition(IReadOnlyList<SeekKey> keys, JsonElement values, List<SqlParameterValue> parameters, ISqlDialect dialect)
    {
        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() != keys.Count)
        {
            throw new ToolInputException("`cursor` is not valid; repeat the call without it.");
        }

        var disjuncts = new List<string>();
        var equalPrefix = new List<string>();
        for (int i = 0; i < keys.Count; i++)
        {
            SeekKey key = keys[i];
            JsonElement value = values[i];
            if (value.ValueKind == JsonValueKind.Null)
            {
                equalPrefix.Add($"{key.Expression} IS NULL");
                continue;
            }

            parameters.Add(new SqlParameterValue(ValueConverter.Convert(value, key.Kind, "`cursor`", key.Kind.ToString()), key.Kind));
            string placeholder = dialect.Placeholder(parameters.Count - 1);
            string after = $"{key.Expression} {(key.Descending ? "<" : ">")} {placeholder}";
            if (key.Nullable)
            {
                after = $"({after} OR {key.Expression} IS NULL)";
            }

            disjuncts.Add(equalPrefix.Count == 0 ? after : $"({string.Join(" AND ", equalPrefix)} AND {after})");
            equalPrefix.Add($"{key.Expression} = {placeholder}");
        }

        // The last key is the primary key, never null: there is always a disjunct.
        return string.Join("\n   OR ", disjuncts);
    }
}
