import Foundation
import TwinCore
import TwinStore

/// `twin fit consumption FILE.csv --name NAME`: fits a kWh/km model on telematics trips.
struct FitCommand: TwinCommand {
    let name = "fit"
    let summary = "Fit a consumption model (kWh/km) on telematics trips"
    var help: String {
        """
        Usage: twin fit consumption FILE.csv --name NAME [--out FILE] [--no-store] [--db PATH]
                                    [--k K | --split time [--train-fraction F]] [--seed N] [--ridge L]
                                    [--format text|json]

        FILE.csv has one row per trip: \(TelematicsCSV.requiredColumns.joined(separator: ", ")) and optionally
        \(TelematicsCSV.optionalColumns.joined(separator: ", ")). The model is kWh/km against heating and cooling
        degrees (and speed, grade and payload where every row has them), fitted by distance-weighted least
        squares and scored on held-out trips (5-fold by default).
        Prints the fit report; writes the model JSON to --out (default NAME.model.json) and saves it in the
        store as resource kind "consumption_model" unless --no-store. Use it with
        `twin predict range --model NAME` or a scenario's consumption = "fitted:NAME".
        --format json prints the model document instead of the report.

        Example:
          twin fit consumption trips.csv --name winter --k 5
        """
    }
    let spec = CommandLineSpec(valued: ["--name", "--out", "--db", "--k", "--split", "--train-fraction", "--seed", "--ridge", "--format"],
                               flags: ["--no-store"], positionals: ["what", "file"], requiredPositionals: 2)

    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        guard arguments.positionals[0] == "consumption" else {
            throw CLIError.usage("unknown model kind '\(arguments.positionals[0])': only 'consumption' can be fitted", command: name)
        }
        let json = try PredictCommand.isJSON(arguments, command: name)
        let options = try Self.options(arguments, command: name)
        let file = arguments.positionals[1]
        let path = file.hasPrefix("/") ? file : (console.workingDirectory as NSString).appendingPathComponent(file)
        let model: ConsumptionModel
        do {
            let records = try TelematicsCSV.read(contentsOf: URL(fileURLWithPath: path))
            model = try ConsumptionFitter.fit(records.map(ConsumptionSample.init), options: options)
        } catch {
            throw CLIError.badInput("\(file): \(error)")
        }
        let data = try model.jsonData()
        let outName = arguments.value("--out") ?? "\(options.name).model.json"
        let outPath = outName.hasPrefix("/") ? outName : (console.workingDirectory as NSString).appendingPathComponent(outName)
        do { try data.write(to: URL(fileURLWithPath: outPath)) } catch {
            throw CLIError.runFailed("cannot write the model to \(outPath): \(error)")
        }
        console.note("model written to \(outName)")
        if !arguments.has("--no-store") {
            let store = LazyStore(arguments: arguments, console: console)
            do { try StoredConsumptionModels(store: try store.open()).save(model) } catch let error as CLIError { throw error } catch {
                throw CLIError.runFailed("cannot save the model in the store at \(store.path): \(error)")
            }
            console.note("model saved in \(store.path) as consumption_model '\(model.name)'")
        }
        console.out(json ? String(decoding: data, as: UTF8.self) : Self.report(model))
        return 0
    }

    static func options(_ arguments: ParsedArguments, command: String) throws -> ConsumptionFitOptions {
        guard let modelName = arguments.value("--name"), !modelName.isEmpty else {
            throw CLIError.usage("missing --name (the model's name, used by --model NAME and fitted:NAME)", command: command)
        }
        var options = ConsumptionFitOptions(name: modelName,
                                            ridgeLambda: try PredictCommand.number(arguments, "--ridge", command: command) ?? 0)
        guard options.ridgeLambda >= 0 else { throw CLIError.usage("--ridge: must be >= 0", command: command) }
        let seed = try PredictCommand.number(arguments, "--seed", command: command) ?? 0
        guard let seedValue = UInt64(exactly: seed) else { throw CLIError.usage("--seed: must be a whole number >= 0", command: command) }
        if let split = arguments.value("--split") {
            guard split == "time" else { throw CLIError.usage("--split: only 'time' is supported (or --k K)", command: command) }
            guard arguments.value("--k") == nil else { throw CLIError.usage("give --k or --split time, not both", command: command) }
            options.validation = .timeSplit(trainFraction: try PredictCommand.number(arguments, "--train-fraction", command: command) ?? 0.8)
        } else {
            let k = try PredictCommand.number(arguments, "--k", command: command) ?? 5
            guard let folds = Int(exactly: k), folds >= 2 else { throw CLIError.usage("--k: must be a whole number >= 2", command: command) }
            options.validation = .kFold(k: folds, seed: seedValue)
        }
        return options
    }

    /// The human report: coefficients with units and standard errors, held-out and training scores, notes.
    static func report(_ model: ConsumptionModel) -> String {
        var lines = ["consumption model '\(model.name)': kWh/km = sum of coefficient x feature (\(model.trainingData.rows) trips, "
            + String(format: "%.1f km, ambient %.1f..%.1f °C)", model.trainingData.totalKM, model.trainingData.ambientMinC, model.trainingData.ambientMaxC)]
        for f in model.features {
            let unit = f.feature == .intercept ? "kWh/km" : "kWh/km per \(f.unit)"
            lines.append("  " + f.feature.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)
                + String(format: "% .6f ± %.6f ", f.coefficient, f.standardError) + unit)
        }
        let v = model.validation
        let method: String
        if v.method == "k_fold" {
            method = "\(v.folds ?? 0)-fold cross-validation (seed \(v.seed ?? 0))"
        } else {
            method = String(format: "time split (first %.0f%% train, rest held out)", 100 * (v.trainFraction ?? 0))
        }
        lines.append("method: distance-weighted least squares" + (model.ridgeLambda > 0 ? String(format: ", ridge λ = %g", model.ridgeLambda) : "")
            + "; validation: " + method)
        lines.append(String(format: "held-out: MAE %.4f kWh/km, R^2 %.4f (%d trips); training: MAE %.4f kWh/km, R^2 %.4f",
                            v.heldOut.maeKWhPerKM, v.heldOut.r2, v.heldOut.rows, v.training.maeKWhPerKM, v.training.r2))
        for note in model.notes { lines.append("note: " + note) }
        return lines.joined(separator: "\n")
    }
}
