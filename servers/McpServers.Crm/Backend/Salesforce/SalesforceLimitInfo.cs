using System.Globalization;

namespace McpServers.Crm.Backend.Salesforce;

/// <summary>
/// The <c>Sforce-Limit-Info</c> response header (REST API Developer Guide, "Limit Info Header"):
/// <c>api-usage=18/5000</c>, possibly with more <c>;</c>-separated entries (<c>api-bursts=1/750</c>,
/// <c>per-app-api-usage=17/250(appName=…)</c>) that are ignored. Usage may exceed the limit (bursts).
/// </summary>
internal static class SalesforceLimitInfo
{
    public const string Header = "Sforce-Limit-Info";

    public static ApiUsage? Parse(string? header)
    {
        foreach (string entry in (header ?? "").Split(';'))
        {
            string[] pair = entry.Trim().Split('=', 2);
            if (pair.Length != 2 || !pair[0].Trim().Equals("api-usage", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string[] numbers = pair[1].Trim().Split('/', 2);
            if (numbers.Length == 2
                && long.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out long used)
                && long.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out long limit))
            {
                return new ApiUsage(used, limit);
            }
        }

        return null;
    }
}
