import DaemonSupport

// The conventional interop flags are also written `--use_tls=true`; ArgumentParser flags take
// no value, so that spelling is normalised first.
let arguments = CommandLine.arguments.dropFirst().compactMap { argument -> String? in
    switch argument {
    case "--use_tls=true": "--use_tls"
    case "--use_tls=false": nil
    default: argument
    }
}
await runInteropCommand(arguments: Array(arguments))
