using System.Reflection;
using GcsMedia.Protocol;
using Xunit;

namespace GcsMedia.Transfers.Tests;

public sealed class NoPowerShellTests
{
    [Theory]
    [InlineData(typeof(StorageUrls))]
    [InlineData(typeof(TransferManager))]
    public void The_assembly_does_not_reference_System_Management_Automation(Type typeInAssembly)
    {
        Assembly assembly = typeInAssembly.Assembly;
        string[] references = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.Contains(references, name => name.StartsWith("System", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("System.Management.Automation", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.PowerShell", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_layer_references_the_protocol()
    {
        Assert.Contains(typeof(TransferManager).Assembly.GetReferencedAssemblies(), a => a.Name == "GcsMedia.Protocol");
    }
}
