using McpServers.Shared.Errors;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// A Salesforce record id: 15 case-sensitive alphanumerics, or 18 where the last three are the checksum of the case
/// of the first fifteen (each 5-character chunk's upper-case letters as a 5-bit number, indexing A–Z0–5). Only ids of
/// this shape ever reach a query or a URL path.
/// </summary>
internal static class SalesforceId
{
    private const string ChecksumAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    /// <summary>The id as given, or <see cref="ToolInputException"/> naming <paramref name="parameter"/> and the expected shape.</summary>
    public static string Parse(string? value, string parameter)
    {
        if (TryParse(value, out string? id))
        {
            return id;
        }

        throw new ToolInputException(
            $"`{parameter}` must be a Salesforce record id: 15 or 18 letters and digits (e.g. 001xx000003DGb2AAG), with a valid 18-character checksum; copy it from a search result.");
    }

    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? id)
    {
        id = null;
        if (value is null || (value.Length != 15 && value.Length != 18) || !value.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        // The suffix is compared ignoring case, as Salesforce does: the 18-character form exists to survive case loss.
        if (value.Length == 18 && !string.Equals(value[15..], Checksum(value.AsSpan(0, 15)), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        id = value;
        return true;
    }

    /// <summary>The 3-character suffix that makes a 15-character id case-insensitive.</summary>
    public static string Checksum(ReadOnlySpan<char> id15)
    {
        Span<char> suffix = stackalloc char[3];
        for (int chunk = 0; chunk < 3; chunk++)
        {
            int bits = 0;
            for (int i = 0; i < 5; i++)
            {
                if (char.IsAsciiLetterUpper(id15[(chunk * 5) + i]))
                {
                    bits |= 1 << i;
                }
            }

            suffix[chunk] = ChecksumAlphabet[bits];
        }

        return new string(suffix);
    }

    /// <summary>The 18-character form (ids from Salesforce are 18 already).</summary>
    public static string To18(string id) => id.Length == 18 ? id : id + Checksum(id);
}
