using MeshClaw.Core.Journal;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Tools;
using Mono.Cecil;

namespace MeshClaw.Tests.Architecture;

/// <summary>
/// The one door, checked in the compiled code rather than left to convention: only the tool-call executor invokes a
/// tool or writes an action to the journal, so no procedure, module or endpoint can act on the world without the
/// policy gate, the journal and the audit log.
/// </summary>
public sealed class OneDoorTests
{
    private static readonly string[] Shipped = ["MeshClaw.Core", "MeshClaw.Connectors", "MeshClaw.Host", "MeshClaw.Models", "MeshClaw.Storage"];

    [Fact]
    public void OnlyTheToolCallExecutor_InvokesATool()
    {
        Assert.Equal([typeof(ToolCallExecutor).FullName!], CallersOf(typeof(IAgentTool), nameof(IAgentTool.InvokeAsync)));
    }

    [Theory]
    [InlineData(nameof(IActionJournal.RecordIntentAsync))]
    [InlineData(nameof(IActionJournal.CompleteAsync))]
    public void OnlyTheToolCallExecutor_JournalsAnAction(string method)
    {
        Assert.Equal([typeof(ToolCallExecutor).FullName!], CallersOf(typeof(IActionJournal), method));
    }

    /// <summary>The types (outermost, so an async method's state machine counts as its class) whose code calls the method.</summary>
    private static SortedSet<string> CallersOf(Type type, string method)
    {
        var callers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in Shipped)
        {
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            Assert.True(File.Exists(path), $"{path} is missing: the test must see every shipped assembly");
            using var module = ModuleDefinition.ReadModule(path);
            foreach (var declaring in module.GetTypes())
            {
                foreach (var body in declaring.Methods.Where(m => m.HasBody).Select(m => m.Body))
                {
                    if (body.Instructions.Any(i => i.Operand is MethodReference called && called.Name == method && called.DeclaringType.FullName == type.FullName))
                    {
                        callers.Add(Outermost(declaring).FullName);
                    }
                }
            }
        }

        return callers;
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }
}
