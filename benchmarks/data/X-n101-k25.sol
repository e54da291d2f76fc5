Route #1: 1 70 54
Route #2: 3 77 63
Route #3: 4 13 74
Route #4: 5 12 58
Route #5: 7 2 45 43 29 36 72 57
Route #6: 8 17
Route #7: 14 49 6 37 87
Route #8: 15 22 41 20
Route #9: 18 10 39
Route #10: 19 97 27
Route #11: 21 56 94 80
Route #12: 23 61 100
Route #13: 24 95 73 53 33 32
Route #14: 25 65 78 42 28
Route #15: 30 85 11 79
Route #16: 31 46 35
Route #17: 34 64 96 48 26 47 38
Route #18: 40 67 88 44
Route #19: 50 91 52
Route #20: 59 60 82
Route #21: 66 84 90 68
Route #22: 69 16 55 76
Route #23: 71 62 99 98 89
Route #24: 75 93
Route #25: 81 51 83
Route #26: 86 9 92
Cost 27591
