using System.Globalization;
using System.Net.Sockets;
using MeshClaw.Testing;
using MeshClaw.Testing.Demo;

// meshclaw-model-stub [--port N] [--model NAME]: a demo model on 127.0.0.1 speaking the OpenAI and Anthropic protocols.
var port = 11434;
var model = DemoModel.Name;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536:
            port = p;
            i++;
            break;
        case "--model" when !string.IsNullOrWhiteSpace(value):
            model = value;
            i++;
            break;
        case "-h" or "--help":
            Console.WriteLine("meshclaw-model-stub [--port N (default 11434, Ollama's)] [--model NAME (default demo)]");
            return 0;
        default:
            Console.Error.WriteLine($"error: argument {i + 1} '{args[i]}'{(value is null ? "" : $" '{value}'")} is not understood; expected --port 1-65535 or --model NAME");
            return 2;
    }
}

ScriptedModelServer server;
try
{
    server = await ScriptedModelServer.StartAsync(port);
}
catch (IOException exception) when (exception.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
{
    Console.Error.WriteLine($"error: port {port} on 127.0.0.1 is in use (a model server may already run there); choose another with --port N");
    return 1;
}

await using (server)
{
    server.For(model).ReplyBy(DemoModel.Answer);
    Console.WriteLine($"demo model '{model}' on {server.OpenAIBaseUrl} (OpenAI) and {server.AnthropicBaseUrl} (Anthropic); Ctrl-C stops it");
    Console.WriteLine("It knows nothing: it calls a time tool, reads the files you name, and repeats what the tools returned.");
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
    await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
}

return 0;
