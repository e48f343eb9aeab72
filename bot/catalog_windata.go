package bot

// The words for days past the calendar's holiday data that a window with
// open_without_data treats as plain days (issue 22).
var catalogWinDataZH = map[string]string{
	"windows.no_data_open": "无节假日数据，按普通日开放",
	"windows.data_ends":    "节假日数据截至 {date}；之后的日子没有节假日数据，按普通日处理（open_without_data）。",
}

var catalogWinDataEN = map[string]string{
	"windows.no_data_open": "no holiday data: open as a plain day",
	"windows.data_ends":    "The holiday data ends {date}; later days have no holiday data and count as plain days (open_without_data).",
}
