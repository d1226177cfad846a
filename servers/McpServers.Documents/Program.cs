using McpServers.Documents;
using McpServers.Shared.Hosting;

var builder = McpServerHost.CreateBuilder(args, DocumentsServer.Identity);
builder.Services.AddDocumentsServer(builder.Configuration);
return await builder.RunAsync();
