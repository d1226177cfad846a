using System.Globalization;
using McpServers.Shared.Errors;

namespace McpServers.Crm.Backend.HubSpot;

/// <summary>
/// The filters of one HubSpot search, built from structured inputs: every property name comes from the allowlist ∩ the
/// object's properties (checked by the caller), every value is a JSON string value (HubSpot search has no query
/// language to inject into) that is still checked: no control characters or line breaks, at most
/// <see cref="MaxValueChars"/> characters, no <c>*</c> wildcard from the model. <see cref="All"/> must all hold;
/// of each <see cref="AnyOf"/> set one must hold (HubSpot ORs filter groups, so these become the product of groups).
/// </summary>
internal sealed class HubSpotSearch
{
    public const int MaxValueChars = 200;

    // HubSpot's search guide: at most 5 filterGroups, 6 filters in a group, 18 filters in all (a VALIDATION_ERROR otherwise).
    public const int MaxGroups = 5;
    public const int MaxFiltersPerGroup = 6;
    public const int MaxFilters = 18;

    public List<HsFilter> All { get; } = [];

    public List<IReadOnlyList<HsFilter>> AnyOf { get; } = [];

    /// <summary>The filter groups: every combination of one alternative per <see cref="AnyOf"/> set, each with <see cref="All"/>.</summary>
    public IReadOnlyList<HsFilterGroup> Groups()
    {
        IEnumerable<IReadOnlyList<HsFilter>> combinations = [[]];
        foreach (IReadOnlyList<HsFilter> alternatives in AnyOf)
        {
            combinations = [.. combinations.SelectMany(c => alternatives.Select(a => (IReadOnlyList<HsFilter>)[.. c, a]))];
        }

        HsFilterGroup[] groups = [.. combinations.Select(c => new HsFilterGroup([.. All, .. c]))];
        if (groups.Length == 1 && groups[0].Filters.Count == 0)
        {
            return [];
        }

        if (groups.Length > MaxGroups || groups.Any(g => g.Filters.Count > MaxFiltersPerGroup) || groups.Sum(g => g.Filters.Count) > MaxFilters)
        {
            throw new ToolInputException(
                $"Too many conditions for HubSpot search (at most {MaxGroups} alternatives of {MaxFiltersPerGroup} filters, {MaxFilters} in all): use fewer words or filters.");
        }

        return groups;
    }

    /// <summary>A text value from the model, checked: one line, no control characters, not empty, capped.</summary>
    public static string Text(string? value, string parameter)
    {
        string text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw new ToolInputException($"`{parameter}` must not be empty.");
        }

        if (text.Length > MaxValueChars)
        {
            throw new ToolInputException($"`{parameter}` must be at most {MaxValueChars} characters.");
        }

        if (text.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
        {
            throw new ToolInputException($"`{parameter}` must be one line of text without control characters.");
        }

        return text;
    }

    /// <summary>
    /// "Contains" on a text property: HubSpot search has no substring operator. Each word becomes a CONTAINS_TOKEN
    /// filter <c>*word*</c> (HubSpot allows <c>*</c> wildcards in tokens), so every word must appear inside a word of
    /// the property. A <c>*</c> from the model is a separator, never a wildcard of its own.
    /// </summary>
    public static IReadOnlyList<string> Words(string? value, string parameter, int maxWords)
    {
        string[] words = Text(value, parameter).Split([' ', '\t', '*'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new ToolInputException($"`{parameter}` must contain a word.");
        }

        if (words.Length > maxWords)
        {
            throw new ToolInputException($"`{parameter}` may have at most {maxWords} words for HubSpot search.");
        }

        return words;
    }

    public static HsFilter Contains(string property, string word) => new(property, "CONTAINS_TOKEN", "*" + word + "*");

    public static HsFilter Eq(string property, string value) => new(property, "EQ", value);

    public static HsFilter In(string property, IReadOnlyList<string> values) => new(property, "IN", Values: values);

    public static HsFilter Gte(string property, string value) => new(property, "GTE", value);

    public static HsFilter Lte(string property, string value) => new(property, "LTE", value);

    public static HsFilter Lt(string property, string value) => new(property, "LT", value);

    public static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
