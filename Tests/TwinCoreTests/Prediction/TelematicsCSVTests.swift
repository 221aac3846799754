import Foundation
import Testing
@testable import TwinCore

private let header = "vehicle,start,end,distance_km,energy_kwh,ambient_c"

/// Runs the parser and returns the error it must throw.
private func parseError(_ text: String) -> FitDataError? {
    do {
        _ = try TelematicsCSV.parse(text)
        return nil
    } catch let error as FitDataError {
        return error
    } catch {
        return FitDataError(row: -1, column: nil, message: "unexpected \(error)")
    }
}

@Test func telematicsParsesQuotesCRLFAndOptionalColumns() throws {
    let text = "\u{FEFF}vehicle,start,end,distance_km,energy_kwh,ambient_c,avg_speed_kmh,payload_kg\r\n"
        + "\"Bus \"\"7\"\", depot\nB\",2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,20,24,5,20,3000\r\n"
        + "b2,2024-01-01T08:00:00.500Z,2024-01-01T09:00:00Z,10,12.5,-3,,\r\n"
        + "\r\n"
    let records = try TelematicsCSV.parse(text)
    #expect(records.count == 2)
    #expect(records[0].vehicle == "Bus \"7\", depot\nB")
    #expect(records[0].line == 2)
    // The quoted newline moves the second record to line 4.
    #expect(records[1].line == 4)
    #expect(records[0].payloadKG == 3000)
    #expect(records[1].avgSpeedKMH == nil)
    #expect(records[1].ambientC == -3)
    let sample = ConsumptionSample(records[0])
    #expect(sample.kWhPerKM == 1.2)
}

@Test func telematicsMissingColumnNamesItAndListsFound() throws {
    let error = try #require(parseError("vehicle,start,end,distance_km,temp\nb,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,1,1,1\n"))
    #expect(error.row == 1)
    #expect(error.column == "energy_kwh,ambient_c")
    #expect(error.message.contains("energy_kwh, ambient_c"))
    #expect(error.message.contains("found: vehicle, start, end, distance_km, temp"))
}

@Test func telematicsEmptyFileAndHeaderOnly() throws {
    let empty = try #require(parseError(""))
    #expect(empty.row == 1)
    #expect(empty.column == nil)
    #expect(empty.message.contains("empty"))
    let blank = try #require(parseError("\r\n\r\n"))
    #expect(blank.row == 1)
    let headerOnly = try #require(parseError(header + "\r\n"))
    #expect(headerOnly.row == 1)
    #expect(headerOnly.message.contains("no data rows"))
}

@Test func telematicsNonNumericNaNAndInfinity() throws {
    let good = "b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,20,24,5"
    let nonNumeric = try #require(parseError([header, good, "b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,twenty,24,5"].joined(separator: "\n")))
    #expect(nonNumeric.row == 3)
    #expect(nonNumeric.column == "distance_km")
    #expect(nonNumeric.message.contains("not a number"))
    let nan = try #require(parseError([header, good, good, "b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,20,24,NaN"].joined(separator: "\r\n")))
    #expect(nan.row == 4)
    #expect(nan.column == "ambient_c")
    #expect(nan.message.contains("finite"))
    let inf = try #require(parseError([header, "b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,20,inf,5"].joined(separator: "\n")))
    #expect(inf.row == 2)
    #expect(inf.column == "energy_kwh")
}

@Test func telematicsUnitsOffByAThousand() throws {
    let wh = try #require(parseError([header, "b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,20,24000,5"].joined(separator: "\n")))
    #expect(wh.row == 2)
    #expect(wh.column == "energy_kwh")
    #expect(wh.message.contains("energy_kwh looks like Wh (value/1000 would be plausible)"))
    let mwh = try #require(parseError([header, "b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,20,0.024,5"].joined(separator: "\n")))
    #expect(mwh.row == 2)
    #expect(mwh.column == "energy_kwh")
    #expect(mwh.message.contains("x1000"))
}

@Test func telematicsEndBeforeStartAndNegativeDistance() throws {
    let backwards = try #require(parseError([header, "b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,20,24,5",
                                             "b,2024-01-01T08:00:00Z,2024-01-01T07:59:00Z,20,24,5"].joined(separator: "\n")))
    #expect(backwards.row == 3)
    #expect(backwards.column == "end")
    #expect(backwards.message.contains("not after start"))
    let negative = try #require(parseError([header, "b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,-20,24,5"].joined(separator: "\n")))
    #expect(negative.row == 2)
    #expect(negative.column == "distance_km")
    #expect(negative.message.contains("negative"))
    let badTime = try #require(parseError([header, "b,01/02/2024 06:00,2024-01-01T07:00:00Z,20,24,5"].joined(separator: "\n")))
    #expect(badTime.column == "start")
    let wrongCount = try #require(parseError([header, "b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,20,24,5,extra"].joined(separator: "\n")))
    #expect(wrongCount.row == 2)
    let unclosed = try #require(parseError([header, "\"b,2024-01-01T06:00:00Z,2024-01-01T07:00:00Z,20,24,5"].joined(separator: "\n")))
    #expect(unclosed.row == 2)
}

@Test func telematicsReadsAFileEndToEndIntoAFit() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("telematics-\(UInt32.random(in: 0...UInt32.max)).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(ConsumptionSynthetic.csv(ConsumptionSynthetic.trips(count: 50)).utf8).write(to: url)
    let records = try TelematicsCSV.read(contentsOf: url)
    #expect(records.count == 50)
    #expect(records[0].vehicle == "Bus, \"A\"")
    let model = try ConsumptionFitter.fit(records.map(ConsumptionSample.init))
    #expect(model.trainingData.rows == 50)
    let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-telematics.csv")
    #expect(throws: FitDataError.self) { try TelematicsCSV.read(contentsOf: missing) }
}
