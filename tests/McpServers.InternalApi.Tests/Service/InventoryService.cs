using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace McpServers.InternalApi.Tests.Service;

/// <summary>
/// A real sample service on loopback that serves its own OpenAPI 3.0 document at <c>/api/openapi.json</c>: an
/// inventory with list/search, get, create, update and delete, plus endpoints that answer problem+json, 429 with
/// Retry-After, a flaky 503, a very large body and one that requires a bearer token; and an OAuth token endpoint.
/// Every request is recorded by <see cref="LoopbackHttpServer"/>.
/// </summary>
public sealed class InventoryService : IAsyncDisposable
{
    public const string BearerToken = "inv-bearer-Canary-5521";
    public const string OAuthToken = "inv-oauth-Canary-7781";
    public const string ClientId = "mcp-client";
    public const string ClientSecret = "inv-client-Secret-3390";

    private readonly LoopbackHttpServer _server = new();
    private int _flakyCalls;
    private int _tokensIssued;

    private InventoryService()
    {
        IEndpointRouteBuilder r = _server.Routes;
        r.MapGet("/api/openapi.json", Handler(c => c.Request.Headers.Authorization.ToString() == "Bearer wrong"
            ? Results.StatusCode(401)
            : Results.Text(Document, "application/json")));
        r.MapGet("/api/items", Handler(c =>
        {
            int limit = int.TryParse(c.Request.Query["limit"], CultureInfo.InvariantCulture, out int l) ? l : 10;
            return Results.Json(new[] { new { id = "w-1", name = "Widget" }, new { id = "g-2", name = "Gadget" } }.Take(limit));
        }));
        r.MapGet("/api/items/{itemId}", (string itemId) => itemId == "w-1"
            ? Results.Json(new { id = "w-1", name = "Widget\u202E evil", quantity = 4 })
            : Problem(404, "Not Found", $"No item '{itemId}'."));
        r.MapPost("/api/items", Handler(async c =>
        {
            string body = await new StreamReader(c.Request.Body).ReadToEndAsync(c.RequestAborted);
            return body.Contains("fail-503", StringComparison.Ordinal)
                ? Results.StatusCode(503)
                : Results.Json(new { id = "n-9", created = true }, statusCode: 201);
        }));
        r.MapPut("/api/items/{itemId}", (string itemId) => Results.Json(new { id = itemId, updated = true }));
        r.MapDelete("/api/items/{itemId}", (string itemId) => Results.StatusCode(204));
        r.MapGet("/api/problem", () => Problem(409, "Conflict\u0007 at http://db-7.corp.internal:5432/x",
            "Stock for item w-1 is locked by job 42 on 10.1.2.3:8080."));
        r.MapGet("/api/busy", Handler(c =>
        {
            c.Response.Headers.RetryAfter = "120";
            return Results.StatusCode(429);
        }));
        r.MapGet("/api/flaky", Handler(c =>
        {
            if (Interlocked.Increment(ref _flakyCalls) == 1)
            {
                c.Response.Headers.RetryAfter = "0";
                return Results.StatusCode(503);
            }

            return Results.Json(new { ok = true });
        }));
        r.MapGet("/api/large", () => Results.Text(LargeBody, "application/json"));
        r.MapGet("/api/secure", Handler(c =>
        {
            string authorization = c.Request.Headers.Authorization.ToString();
            if (authorization is "Bearer " + BearerToken or "Bearer " + OAuthToken)
            {
                return Results.Json(new { secret_data = "ok" });
            }

            // Tokens of a loopback authorization server, echoed back (a careless service) to prove redaction.
            return AcceptedTokenPrefix is { } prefix && authorization.StartsWith("Bearer " + prefix, StringComparison.Ordinal) && authorization != "Bearer " + RefusedToken
                ? Results.Json(new { secret_data = "ok", you_sent = authorization })
                : Results.StatusCode(401);
        }));
        r.MapGet("/api/reports/{host}", () => Results.Json(new { }));
        r.MapGet("/api/moved", () => Results.Redirect("/api/moved/home"));
        r.MapGet("/api/moved/home", () => Results.Json(new { ok = true }));
        r.MapGet("/api/away", () => Results.Redirect("http://elsewhere.invalid/landing"));
        r.MapGet("/api/warehouses/{warehouseId}/stock", (string warehouseId) => Results.Json(new { warehouse = warehouseId, units = 12 }));
        r.MapPost("/oauth/token", Handler(async c =>
        {
            IFormCollection form = await c.Request.ReadFormAsync(c.RequestAborted);
            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            {
                return Results.StatusCode(401);
            }

            Interlocked.Increment(ref _tokensIssued);
            return Results.Json(new { access_token = OAuthToken, token_type = "Bearer", expires_in = 3600 });
        }));
    }

    private static RequestDelegate Handler(Func<HttpContext, IResult> handler) => c => handler(c).ExecuteAsync(c);

    private static RequestDelegate Handler(Func<HttpContext, Task<IResult>> handler) => async c => await (await handler(c)).ExecuteAsync(c);

    public static string LargeBody { get; } = "[" + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"{{\"id\":{i},\"name\":\"item number {i}\"}}")) + "]";

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>The base URL tools are pinned to.</summary>
    public string ApiBase => new Uri(_server.BaseAddress, "api").ToString();

    public string DocumentUrl => new Uri(_server.BaseAddress, "api/openapi.json").ToString();

    public string TokenUrl => new Uri(_server.BaseAddress, "oauth/token").ToString();

    public int TokensIssued => _tokensIssued;

    /// <summary>Bearer tokens starting with this are accepted by <c>/api/secure</c> too, and echoed in its answer.</summary>
    public string? AcceptedTokenPrefix { get; set; }

    /// <summary>A token <c>/api/secure</c> refuses with 401 (revoked at the service).</summary>
    public string? RefusedToken { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    /// <summary>Requests other than fetching the document.</summary>
    public IReadOnlyList<RecordedRequest> Calls => [.. _server.Requests.Where(r => r.Path != "/api/openapi.json")];

    public static async Task<InventoryService> StartAsync()
    {
        var service = new InventoryService();
        await service._server.StartAsync();
        return service;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The document, also written to a file for the settings that take a path.</summary>
    public static string DocumentFile { get; } = WriteDocument();

    private static string WriteDocument()
    {
        string path = Path.Combine(Path.GetTempPath(), $"inventory-openapi-{Environment.ProcessId}.json");
        File.WriteAllText(path, Document, Encoding.UTF8);
        return path;
    }

    private static IResult Problem(int status, string title, string detail) =>
        Results.Text($$"""{"type":"about:blank","title":{{System.Text.Json.JsonSerializer.Serialize(title)}},"status":{{status}},"detail":{{System.Text.Json.JsonSerializer.Serialize(detail)}},"trace":"at Inventory.Db.Lock() in /src/Db.cs:line 12"}""",
            "application/problem+json", Encoding.UTF8, status);

    public const string Document = """
    {
      "openapi": "3.0.3",
      "info": { "title": "Inventory", "version": "1.4.0" },
      "paths": {
        "/items": {
          "get": {
            "operationId": "listItems",
            "tags": ["inventory"],
            "summary": "List items",
            "description": "Lists inventory items, optionally filtered by text and tags.",
            "parameters": [
              { "name": "q", "in": "query", "description": "Text to search for.", "schema": { "type": "string", "maxLength": 100 } },
              { "name": "tag", "in": "query", "explode": true, "schema": { "type": "array", "items": { "type": "string" }, "maxItems": 5 } },
              { "name": "limit", "in": "query", "schema": { "type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 10 } },
              { "name": "offset", "in": "query", "schema": { "type": "integer", "minimum": 0 } }
            ],
            "responses": { "200": { "description": "The items." } }
          },
          "post": {
            "operationId": "createItem",
            "tags": ["inventory"],
            "summary": "Create an item",
            "requestBody": {
              "required": true,
              "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewItem" } } }
            },
            "responses": { "201": { "description": "Created." } }
          }
        },
        "/items/search": {
          "post": {
            "operationId": "searchItems",
            "tags": ["inventory"],
            "summary": "Search items (POST, never selected without an explicit include)",
            "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": { "q": { "type": "string" } } } } } },
            "responses": { "200": { "description": "Found." } }
          }
        },
        "/items/{itemId}": {
          "parameters": [
            { "name": "itemId", "in": "path", "required": true, "description": "The item's id.", "schema": { "type": "string", "maxLength": 200 } }
          ],
          "get": {
            "operationId": "getItem",
            "tags": ["inventory"],
            "summary": "Get one item",
            "parameters": [
              { "name": "X-Request-Id", "in": "header", "schema": { "type": "string", "maxLength": 64 } },
              { "name": "Authorization", "in": "header", "schema": { "type": "string" } }
            ],
            "responses": { "200": { "description": "The item." }, "404": { "description": "No such item." } }
          },
          "put": {
            "operationId": "updateItem",
            "tags": ["inventory"],
            "summary": "Replace an item",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewItem" } } } },
            "responses": { "200": { "description": "Updated." } }
          },
          "delete": {
            "operationId": "deleteItem",
            "tags": ["inventory"],
            "summary": "Delete an item",
            "responses": { "204": { "description": "Deleted." } }
          }
        },
        "/warehouses/{warehouseId}/stock": {
          "get": {
            "summary": "Stock in a warehouse",
            "parameters": [ { "name": "warehouseId", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[A-Z]{3}$" } } ],
            "responses": { "200": { "description": "Stock." } }
          }
        },
        "/problem": { "get": { "operationId": "getProblem", "tags": ["diagnostics"], "summary": "Always answers problem+json", "responses": { "409": { "description": "Conflict." } } } },
        "/busy": { "get": { "operationId": "getBusy", "tags": ["diagnostics"], "summary": "Always 429 with Retry-After", "responses": { "429": { "description": "Busy." } } } },
        "/flaky": { "get": { "operationId": "getFlaky", "tags": ["diagnostics"], "summary": "503 once, then fine", "responses": { "200": { "description": "Fine." } } } },
        "/large": { "get": { "operationId": "getLarge", "tags": ["diagnostics"], "summary": "A very large body", "responses": { "200": { "description": "Large." } } } },
        "/secure": { "get": { "operationId": "getSecure", "tags": ["diagnostics"], "summary": "Needs a bearer token", "responses": { "200": { "description": "Secret." } } } },
        "/reports/{host}": {
          "get": {
            "operationId": "getReport",
            "summary": "Uses a format the validator cannot enforce",
            "parameters": [ { "name": "host", "in": "path", "required": true, "schema": { "type": "string", "format": "ipv4" } } ],
            "responses": { "200": { "description": "Report." } }
          }
        }
      },
      "components": {
        "schemas": {
          "NewItem": {
            "type": "object",
            "required": ["name", "kind"],
            "properties": {
              "name": { "type": "string", "minLength": 1, "maxLength": 80, "example": "Widget" },
              "kind": { "type": "string", "enum": ["part", "tool", "consumable"] },
              "quantity": { "type": "integer", "format": "int32", "minimum": 0 },
              "note": { "type": "string", "nullable": true },
              "available_from": { "type": "string", "format": "date" },
              "dimensions": { "$ref": "#/components/schemas/Dimensions" },
              "x-internal": { "type": "string" }
            },
            "x-owner": "team-inventory"
          },
          "Dimensions": {
            "type": "object",
            "properties": {
              "width_mm": { "type": "number", "format": "double", "minimum": 0 },
              "height_mm": { "type": "number", "minimum": 0 }
            }
          }
        }
      }
    }
    """;
}
