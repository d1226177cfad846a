using McpServers.InternalApi.Backend;

namespace McpServers.InternalApi.Tests.Backend;

public sealed class SelectionAndNamingTests
{
    [Theory]
    [InlineData("listItems", "list_items")]
    [InlineData("getHTTPStatus", "get_http_status")]
    [InlineData("items.get-one", "items_get_one")]
    [InlineData("Item_Create2", "item_create2")]
    [InlineData("__weird__Name__", "weird_name")]
    public void SnakeCase_OfOperationIds(string operationId, string expected) =>
        Assert.Equal(expected, ToolNaming.SnakeCase(operationId));

    [Fact]
    public void Names_FallBackToMethodAndPath_StayWithinTheLimit_AndNeverCollide()
    {
        var naming = new ToolNaming("api_");
        string fallback = naming.Next(null, HttpMethod.Get, "/warehouses/{warehouseId}/stock");
        string first = naming.Next("listItems", HttpMethod.Get, "/items");
        string second = naming.Next("list_items", HttpMethod.Get, "/items2");
        string longOne = naming.Next(new string('a', 30) + "And" + new string('b', 30), HttpMethod.Get, "/x");
        string longTwo = naming.Next(new string('a', 30) + "And" + new string('b', 31), HttpMethod.Get, "/y");
        string digits = new ToolNaming("").Next("2fa", HttpMethod.Get, "/z");

        Assert.Equal("api_get_warehouses_by_warehouse_id_stock", fallback);
        Assert.Equal("api_list_items", first);
        Assert.Equal("api_list_items_2", second);
        Assert.True(longOne.Length <= 48 && longTwo.Length <= 48);
        Assert.NotEqual(longOne, longTwo);
        Assert.Equal("op_2fa", digits);
    }

    [Theory]
    [InlineData("", "", "GET", "/items", true)]
    [InlineData("", "", "POST", "/items", false)]
    [InlineData("createItem", "", "POST", "/items", true)]
    [InlineData("POST /items", "", "POST", "/items", true)]
    [InlineData("* /items", "", "POST", "/items", false)]
    [InlineData("tag:inventory", "", "POST", "/items", false)]
    [InlineData("tag:inventory", "", "GET", "/items", true)]
    [InlineData("tag:other", "", "GET", "/items", false)]
    [InlineData("GET /items/*", "", "GET", "/items/{id}", true)]
    [InlineData("GET /items/*", "", "GET", "/items/{id}/stock", false)]
    [InlineData("GET /**", "", "GET", "/items/{id}/stock", true)]
    [InlineData("GET /**", "getItem", "GET", "/items/{id}", false)]
    [InlineData("createItem", "POST /items", "POST", "/items", false)]
    public void Selection_DefaultsToReads_AndWritesNeedAnExplicitInclude(string include, string exclude, string method, string path, bool selected)
    {
        var selector = new OperationSelector(Split(include), Split(exclude));
        string? operationId = path == "/items" ? (method == "GET" ? "listItems" : "createItem") : path == "/items/{id}" ? "getItem" : null;

        Assert.Equal(selected, selector.Refusal(new HttpMethod(method), path, operationId, ["inventory"]) is null);
    }

    private static string[] Split(string list) => list.Length == 0 ? [] : list.Split(',');
}
