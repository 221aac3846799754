import TwinCLI
import Foundation

exit(TwinCLI.main(arguments: Array(CommandLine.arguments.dropFirst())))
